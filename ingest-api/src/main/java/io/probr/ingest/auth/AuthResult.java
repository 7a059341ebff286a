package io.probr.ingest.auth;

/** The verdict on a presented key: {@code 200}-bound, {@code 401} or {@code 403}. */
public sealed interface AuthResult {

    record Authenticated(ApiKey key) implements AuthResult {
    }

    /** Missing, malformed or unknown key. */
    record Unauthorized(String reason) implements AuthResult {
    }

    /** No verdict can be given yet: the keys managed through the API are not loaded (a 500, retried). */
    record Unavailable(String reason) implements AuthResult {
    }

    /** A known key that may not post: revoked, or its site is disabled. */
    record Forbidden(String reason) implements AuthResult {
    }
}
