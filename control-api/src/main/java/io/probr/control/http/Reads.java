package io.probr.control.http;

import io.javalin.config.JavalinConfig;

/** The read routes over ClickHouse: events, analytics, reports. */
public final class Reads {

    public Reads() {
    }

    void routes(JavalinConfig config) {
    }
}
