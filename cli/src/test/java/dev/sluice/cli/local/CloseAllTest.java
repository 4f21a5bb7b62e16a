package dev.sluice.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloseAllTest {

    @Test
    void aFailingCloseDoesNotKeepTheOthersOpen() {
        List<String> closed = new ArrayList<>();
        AutoCloseable sink = () -> {
            closed.add("sink");
            throw new IllegalStateException("worker stuck");
        };
        AutoCloseable transforms = () -> closed.add("transforms");
        AutoCloseable ingest = () -> {
            closed.add("ingest");
            throw new java.io.IOException("slot busy");
        };

        assertThatThrownBy(() -> CloseAll.inOrder(sink, null, transforms, ingest))
                .isInstanceOf(IllegalStateException.class).hasMessage("worker stuck")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .satisfies(s -> assertThat(s).hasMessage("slot busy")));
        assertThat(closed).containsExactly("sink", "transforms", "ingest");
    }
}
