package dev.sluice.cli.live;

import java.util.List;

/**
 * One transform pipeline as the page draws it: the health stage it reports as, its consumer group, the topics it
 * reads and the topics it writes.
 */
public record PipelineFlow(String name, String stage, String group, List<String> inputs, List<String> outputs) {

    public PipelineFlow {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
