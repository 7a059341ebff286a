package io.probr.alerting.evaluate;

/**
 * A condition's verdict for one (trigger, container, tag) at one time: breached or not, with the value that
 * decided, or unknown (too few executions to say), which changes no incident.
 */
public record Verdict(String tag, State state, double value, long windowStartMs, long windowEndMs) {

    public enum State { BREACHED, HEALTHY, UNKNOWN }
}
