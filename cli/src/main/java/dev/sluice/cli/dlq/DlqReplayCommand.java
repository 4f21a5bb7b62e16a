package dev.sluice.cli.dlq;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice dlq replay TOPIC}: after the cause is fixed, sends the dead letters back where they came from, once. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Send the records of a dead-letter topic back to the topics they came from, once: the sends and",
                "the position reached (consumer group sluice-dlq-replay-<topic>) commit in one Kafka transaction, so",
                "running it again sends only what arrived since. Fix the cause first, or they come back."})
public final class DlqReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DlqKafka kafka;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The dead-letter topic, e.g. sluice-sink.dlq.")
    String topic;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DeadLetterReplay.Result result = new DeadLetterReplay(kafka.settings(), kafka.recordSizeLimit()).replay(topic,
                letter -> out.printf("%s -> %s%n", letter.position(), letter.source()));
        out.printf("Replayed %d dead letter(s) from %s%s.%n", result.replayed(), topic,
                result.skipped() == 0 ? "" : "; skipped " + result.skipped() + " whose headers do not name a source topic");
        out.flush();
        return 0;
    }
}
