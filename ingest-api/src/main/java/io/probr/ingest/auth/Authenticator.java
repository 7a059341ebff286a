package io.probr.ingest.auth;

/** Gives the verdict on a presented ingest key. */
public interface Authenticator {

    AuthResult authenticate(String presentedKey);
}
