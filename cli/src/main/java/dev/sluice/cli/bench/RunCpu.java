package dev.sluice.cli.bench;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The CPU clocks of one bench run: this JVM's threads by stage ({@link StageCpu}) and the PostgreSQL server's ({@link PostgresCpu}). */
final class RunCpu {

    private final StageCpu stages;
    private final PostgresCpu postgres;

    private RunCpu(StageCpu stages, PostgresCpu postgres) {
        this.stages = stages;
        this.postgres = postgres;
    }

    /** Starts the clocks; {@code serverBackend} is any connection to the bench's PostgreSQL server. */
    static RunCpu start(Connection serverBackend, String sourceDatabase, String warehouseDatabase) {
        return new RunCpu(StageCpu.start(), PostgresCpu.start(serverBackend, sourceDatabase, warehouseDatabase));
    }

    /** CPU seconds per 1,000 changes (or rows) by stage since {@link #start}, JVM stages first. */
    Map<String, Double> perThousand(long changes) {
        Map<String, Double> seconds = new LinkedHashMap<>(stages.secondsByStage());
        if (postgres != null) {
            seconds.putAll(postgres.secondsByRole());
        }
        seconds.replaceAll((stage, s) -> s / changes * 1000);
        return seconds;
    }

    /** The breakdown as indented lines under a heading, {@code unit} naming what is counted ("changes", "rows"). */
    static String text(Map<String, Double> perThousand, String unit) {
        if (perThousand.isEmpty()) {
            return "  CPU by stage       n/a";
        }
        StringBuilder lines = new StringBuilder("  CPU by stage       s per 1,000 " + unit
                + " (each thread's and process's CPU clock):");
        double jvm = 0;
        double postgres = 0;
        for (Map.Entry<String, Double> stage : perThousand.entrySet()) {
            lines.append(String.format("%n    %-48s %.3f", stage.getKey(), stage.getValue()));
            if (stage.getKey().startsWith("PostgreSQL")) {
                postgres += stage.getValue();
            } else {
                jvm += stage.getValue();
            }
        }
        return lines.append(String.format("%n    %-48s %.3f (this JVM %.3f, PostgreSQL %.3f)", "all", jvm + postgres,
                jvm, postgres)).toString();
    }
}
