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
    void aQuoteABackslashAndUnicodeInTheNameStayDataAndThePatternMatchesOnlyThatTable() throws Exception {
        TableId table = new TableId("sch\"ema", "say \"hi\" \\ Zählung.v1");
        JsonNode data = JSON.readTree(ControlTables.snapshotSignalData(table));
        assertThat(data.get("type").asText()).isEqualTo("incremental");
        assertThat(data.get("data-collections")).hasSize(1);
        Pattern pattern = Pattern.compile(data.get("data-collections").get(0).asText());
        assertThat(pattern.matcher(table.toString()).matches()).isTrue();
        assertThat(pattern.matcher("sch\"ema.say \"hi\" \\ ZählungXv1").matches()).isFalse();
    }

    @Test
    void aPlainTableKeepsAReadableSignal() {
        assertThat(ControlTables.snapshotSignalData(new TableId("public", "orders")))
                .isEqualTo("{\"data-collections\":[\"public\\\\.orders\"],\"type\":\"incremental\"}");
    }
}
