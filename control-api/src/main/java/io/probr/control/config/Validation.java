package io.probr.control.config;

import java.util.regex.Pattern;

/** The shapes of ids and names the API accepts: what may end up in a URL, a Kafka key and a log line. */
final class Validation {
    static final Pattern SITE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    static final String SITE_ID_HINT = "lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";
    /** Free text shown to people: printable, no control characters. */
    static final Pattern LABEL = Pattern.compile("[^\\p{Cntrl}]+");
    static final String LABEL_HINT = "printable text";
    static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9_-]+");
    static final String CONTAINER_HINT = "a container id such as GTM-ABC123 (letters, digits, '_' or '-')";
    static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");

    private Validation() {
    }
}
