package dev.sluice.schemas.naming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicNamePartTest {
    private static final Pattern TOPIC_PART = Pattern.compile("[a-zA-Z0-9_-]+");

    @Test
    void plainNamesKeepTheirTopicNames() {
        assertThat(TopicNamePart.encode("orders")).isEqualTo("orders");
        assertThat(TopicNamePart.encode("Order_Items2")).isEqualTo("Order_Items2");
    }

    @Test
    void otherCharactersBecomeHexBytesBehindTheMark() {
        assertThat(TopicNamePart.encode("order items")).isEqualTo("-order-20items");
        assertThat(TopicNamePart.encode("my.table")).isEqualTo("-my-2etable");
        assertThat(TopicNamePart.encode("a-b")).isEqualTo("-a-2db");
        assertThat(TopicNamePart.encode("café")).isEqualTo("-caf-c3-a9");
        assertThat(TopicNamePart.encode("say \"hi\"")).isEqualTo("-say-20-22hi-22");
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders", "order items", "my.table", "a-b", "-", "--", "-x", "x-", "café", "Zählung",
            "表", "say \"hi\"", "select", "_sluice_offsets", " lead", "trail ", "a,b", "back\\slash", "emoji 😀", "\t"})
    void decodeUndoesEncode(String name) {
        String part = TopicNamePart.encode(name);
        assertThat(part).matches(TOPIC_PART);
        assertThat(TopicNamePart.decode(part)).isEqualTo(name);
    }

    @Test
    void randomNamesRoundTripAndNeverShareAPart() {
        Random random = new Random(13);
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder name = new StringBuilder();
            int length = 1 + random.nextInt(6);
            for (int j = 0; j < length; j++) {
                // ASCII incl. '-', '.', '"', space, and some non-ASCII code points
                name.appendCodePoint(random.nextInt(4) == 0 ? 0xa0 + random.nextInt(0x3000) : 0x20 + random.nextInt(0x5f));
            }
            String n = name.toString();
            String part = TopicNamePart.encode(n);
            assertThat(part).matches(TOPIC_PART);
            assertThat(TopicNamePart.decode(part)).isEqualTo(n);
            String before = seen.put(part, n);
            assertThat(before == null || before.equals(n)).as("%s and %s share part %s", before, n, part).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"events-2024", "orders-enriched", "-abc", "-a-62", "-a-2", "-a-zz", "-a-c3", "-", "-A-2E",
            "plain"})
    void handWrittenPartsThatAreNotCanonicalEncodingsStayAsTheyAre(String part) {
        assertThat(TopicNamePart.decode(part)).isEqualTo(part);
    }
}
