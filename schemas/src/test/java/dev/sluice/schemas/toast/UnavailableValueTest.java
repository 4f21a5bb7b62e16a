package dev.sluice.schemas.toast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnavailableValueTest {

    private static final byte[] BYTES = UnavailableValue.PLACEHOLDER.getBytes(StandardCharsets.UTF_8);

    @Test
    void thePlaceholderIsRecognisedAsTextBytesBufferAndInsideAnArray() {
        assertThat(UnavailableValue.isPlaceholder(UnavailableValue.PLACEHOLDER)).isTrue();
        assertThat(UnavailableValue.isPlaceholder(BYTES.clone())).isTrue();
        ByteBuffer buffer = ByteBuffer.allocate(BYTES.length + 4).put(new byte[] {1, 2}).put(BYTES);
        buffer.flip().position(2).limit(2 + BYTES.length);
        assertThat(UnavailableValue.isPlaceholder(buffer)).isTrue();
        assertThat(buffer.position()).as("the buffer is not consumed").isEqualTo(2);
        assertThat(UnavailableValue.isPlaceholder(List.of(UnavailableValue.PLACEHOLDER))).isTrue();
    }

    @Test
    void ordinaryValuesAreNot() {
        assertThat(UnavailableValue.isPlaceholder("__debezium_unavailable_value")).isFalse();
        assertThat(UnavailableValue.isPlaceholder("sluice-unavailable")).isFalse();
        assertThat(UnavailableValue.isPlaceholder(new byte[] {0, 1})).isFalse();
        assertThat(UnavailableValue.isPlaceholder(List.of("a", "b"))).isFalse();
        assertThat(UnavailableValue.isPlaceholder(List.of())).isFalse();
        assertThat(UnavailableValue.isPlaceholder(null)).isFalse();
        assertThat(UnavailableValue.isPlaceholder(42)).isFalse();
    }
}
