package dev.sluice.cli.drain;

import java.time.Duration;
import java.util.Map;

/** Polls a warehouse's frontier until it reaches a {@link CompletionTarget}, or gives up. */
public final class FrontierWait {

    /** Something to check between polls: a stage that died is reported instead of waited for. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    private FrontierWait() {
    }

    /** True once every table reached the target; false after {@code max}. Warehouse errors count as "not yet". */
    public static boolean await(WarehouseFrontier warehouse, CompletionTarget target, Duration max, Check between)
            throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            between.run();
            Map<String, Long> frontier = readQuietly(warehouse, target);
            if (frontier != null && target.reachedBy(frontier)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(250);
        }
    }

    private static Map<String, Long> readQuietly(WarehouseFrontier warehouse, CompletionTarget target) {
        try {
            return warehouse.read(target.tables());
        } catch (Exception e) {
            return null; // the sink may be reconnecting or (re)creating tables: ask again
        }
    }
}
