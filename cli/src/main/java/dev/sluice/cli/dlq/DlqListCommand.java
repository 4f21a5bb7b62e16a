package dev.sluice.cli.dlq;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice dlq list}: every dead-letter topic and how many records it holds. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the dead-letter topics (every topic ending in .dlq: sluice-sink.dlq, <pipeline>.dlq) with their record counts.")
public final class DlqListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DlqKafka kafka;

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = kafka.settings();
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Long> counts;
        try (Admin admin = Admin.create(new HashMap<>(settings))) {
            counts = DeadLetterTopics.counts(admin, new DeadLetterReader(settings));
        }
        if (counts.isEmpty()) {
            out.println("No dead-letter topics.");
        }
        counts.forEach((topic, n) -> out.printf("%-40s %d%n", topic, n));
        out.flush();
        return 0;
    }
}
