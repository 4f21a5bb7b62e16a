package dev.sluice.schemas.registry;

/** A refusal the embedded registry answers with {@code {"error_code":..,"message":..}}. */
final class RegistryError extends RuntimeException {
    final int status;
    final int errorCode;

    RegistryError(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    static RegistryError subjectNotFound(String subject) {
        return new RegistryError(404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    static RegistryError versionNotFound(String subject, String version) {
        return new RegistryError(404, SchemaRegistryException.VERSION_NOT_FOUND,
                "Version " + version + " not found for subject '" + subject + "'.");
    }

    static RegistryError invalidSchema(String detail) {
        return new RegistryError(422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + detail);
    }
}
