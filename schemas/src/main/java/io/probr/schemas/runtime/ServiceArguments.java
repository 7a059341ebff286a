package io.probr.schemas.runtime;

import java.io.PrintStream;

/**
 * The command line of a service: it is configured by environment variables only, so it takes no argument but
 * {@code -h}/{@code --help} (usage on stdout, status 0); anything else is a usage error (stderr, status 2).
 */
public final class ServiceArguments {
    private ServiceArguments() {
    }

    /** Returns when the service should start; otherwise the status to exit with, having printed why. */
    public static Integer check(String jar, String what, String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return null;
        }
        String usage = "Usage: java -jar " + jar + "\n" + what + "\n"
                + "Configured by environment variables only (PROBR_*): see docs/operations.md.";
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.println(usage);
            return 0;
        }
        err.println("unknown argument " + args[0]);
        err.println(usage);
        return 2;
    }

    /** {@link #check} for a main method: exits unless the service should start. */
    public static void exitUnlessStarting(String jar, String what, String[] args) {
        Integer status = check(jar, what, args, System.out, System.err);
        if (status != null) {
            System.exit(status);
        }
    }
}
