package io.probr.stack;

import java.nio.file.Path;

/**
 * Runs a local ClickHouse server in the foreground for {@code ./probr up}:
 * {@code LocalClickHouseMain DIR HTTP_PORT TCP_PORT}. Prints {@code clickhouse: URL} once it answers, and
 * stops the server when it is stopped.
 */
public final class LocalClickHouseMain {
    private LocalClickHouseMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LocalClickHouseMain DIR HTTP_PORT TCP_PORT");
            System.exit(2);
        }
        LocalClickHouse server = new LocalClickHouse(Path.of(args[0]),
                Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        server.start();
        System.out.println("clickhouse: " + server.httpUrl());
        System.exit(server.waitFor());
    }
}
