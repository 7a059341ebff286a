package io.probr.stack.launch;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./probr up|down|status} and {@code stop SERVICE...} (for the benchmarks): {@code LocalStackMain ROOT
 * COMMAND}. The dispatcher script checks the arguments and answers their help; this only runs them.
 */
public final class LocalStackMain {
    private static final String USAGE = "Usage: LocalStackMain ROOT up|down|status|stop SERVICE...";

    private LocalStackMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(USAGE);
            return;
        }
        if (args.length < 2) {
            System.err.println(USAGE);
            System.exit(2);
        }
        try {
            LocalStack stack = new LocalStack(StackSettings.fromEnv(Path.of(args[0]), System.getenv()), System.out);
            List<String> rest = Arrays.asList(args).subList(2, args.length);
            switch (args[1]) {
                case "up" -> stack.up();
                case "down" -> stack.down();
                case "status" -> System.exit(stack.status() ? 0 : 1);
                case "stop" -> {
                    for (String service : rest) {
                        stack.stop(service);
                    }
                }
                default -> {
                    System.err.println(USAGE);
                    System.exit(2);
                }
            }
        } catch (StackException e) {
            System.err.println("probr: " + e.getMessage());
            System.exit(1);
        }
    }
}
