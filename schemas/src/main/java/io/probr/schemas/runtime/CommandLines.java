package io.probr.schemas.runtime;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** How every Probr command-line tool behaves: a bad argument prints its message, then the usage, on stderr; exit 2. */
public final class CommandLines {
    private CommandLines() {
    }

    public static CommandLine of(Object command, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setParameterExceptionHandler((e, ignored) -> {
            e.getCommandLine().getErr().println(e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return 2;
        });
        return cli;
    }

    /** Runs {@code command} with {@code args}; its exit status. */
    public static int run(Object command, String[] args, PrintStream out, PrintStream err) {
        return of(command, out, err).execute(args);
    }
}
