package dev.sluice.schemas.registry;

/**
 * The registry refused a request (its HTTP status and error code are kept) or could not be reached.
 * {@link #status()} is 0 when no answer was received.
 */
public class SchemaRegistryException extends RuntimeException {

    /** Error codes of the Schema Registry REST API that callers branch on. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int STORE_ERROR = 50001;

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(String message, int status, int errorCode) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.errorCode = 0;
    }

    /** HTTP status of the registry's answer, 0 if there was none. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code}, 0 if there was none. */
    public int errorCode() {
        return errorCode;
    }
}
