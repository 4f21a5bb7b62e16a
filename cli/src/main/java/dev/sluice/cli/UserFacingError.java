package dev.sluice.cli;

/**
 * Turns an exception into the one sentence a user should read: the innermost message Sluice wrote
 * itself (our exceptions and argument errors carry the fix), else the top-level message.
 */
final class UserFacingError {

    private UserFacingError() {
    }

    static String message(Throwable e) {
        String best = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            boolean ours = t.getClass().getName().startsWith("dev.sluice") || t instanceof IllegalArgumentException
                    || t instanceof IllegalStateException;
            if (ours && t.getMessage() != null) {
                best = t.getMessage();
            }
        }
        return best == null ? e.toString() : best;
    }
}
