package io.probr.stack;

import java.nio.file.Path;

/**
 * Runs a local broker in the foreground for {@code ./probr up}: {@code LocalKafkaMain DIR PORT CONTROLLER_PORT}.
 * Prints {@code kafka: HOST:PORT} once the broker accepts clients, and stops the broker when it is stopped.
 */
public final class LocalKafkaMain {
    private LocalKafkaMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LocalKafkaMain DIR PORT CONTROLLER_PORT");
            System.exit(2);
        }
        LocalKafkaBroker broker = new LocalKafkaBroker(Path.of(args[0]),
                Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        broker.start();
        System.out.println("kafka: " + broker.bootstrapServers());
        System.exit(broker.waitFor());
    }
}
