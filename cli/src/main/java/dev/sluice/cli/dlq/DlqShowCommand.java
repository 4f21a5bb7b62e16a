package dev.sluice.cli.dlq;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice dlq show TOPIC}: the dead letters of a topic, one line each, with what their headers say. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show the records of a dead-letter topic: position, stage, source topic-partition@offset, reason.")
public final class DlqShowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DlqKafka kafka;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The dead-letter topic, e.g. sluice-sink.dlq.")
    String topic;

    @Option(names = "--limit", defaultValue = "100", description = "Show at most this many records (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long[] seen = {0};
        new DeadLetterReader(kafka.settings()).read(topic, letter -> {
            if (seen[0]++ < limit) {
                out.printf("%s stage=%s source=%s key=%s value=%s%n  reason: %s%n", letter.position(), letter.stage(),
                        letter.source(), size(letter.record().key()), size(letter.record().value()), letter.reason());
            }
        });
        out.printf("%d dead letter(s) in %s%s%n", seen[0], topic, seen[0] > limit ? " (first " + limit + " shown)" : "");
        out.flush();
        return 0;
    }

    private static String size(byte[] bytes) {
        return bytes == null ? "null" : bytes.length + "B";
    }
}
