package dev.sluice.ingest.source;

/**
 * The source (or Kafka) is not set up the way ingestion needs. The message is one sentence that
 * names the problem and the fix; it is meant to be shown to the user as it is.
 */
public class SourceSetupException extends RuntimeException {

    public SourceSetupException(String message) {
        super(message);
    }

    public SourceSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
