package dev.sluice.cli.local;

/** Closes several resources in order, every one of them even when an earlier close fails. */
public final class CloseAll {

    private CloseAll() {
    }

    /**
     * Closes each non-null resource in the order given; the first failure is thrown after all were closed, later
     * ones are attached to it as suppressed.
     */
    public static void inOrder(AutoCloseable... resources) {
        RuntimeException first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
