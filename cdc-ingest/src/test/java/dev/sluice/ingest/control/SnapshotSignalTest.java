package dev.sluice.ingest.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.ingest.source.TableId;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SnapshotSignalTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void quotesBackslashesBlanksDotsAndUnicodeInTheNameStayData() throws Exception {
        TableId table = new TableId("my schema", "it's \\ Zählung.v1");
        JsonNode data = JSON.readTree(ControlTables.snapshotSignalData(table));
        assertThat(data.get("type").asText()).isEqualTo("incremental");
        assertThat(data.get("data-collections")).hasSize(1);
        assertThat(data.get("data-collections").get(0).asText()).isEqualTo("\"my schema\".\"it's \\ Zählung.v1\"");
    }

    @Test
    void theQuotedNameMatchesNoUnquotedTableNameAsAPattern() {
        // Debezium tries each data collection as a pattern first; a match would hand it the unquoted name to parse
        String collection = "\"public\".\"orders\"";
        assertThat(Pattern.compile(collection).matcher("public.orders").matches()).isFalse();
        assertThat(ControlTables.snapshotSignalData(new TableId("public", "orders")))
                .isEqualTo("{\"data-collections\":[\"\\\"public\\\".\\\"orders\\\"\"],\"type\":\"incremental\"}");
    }
}
