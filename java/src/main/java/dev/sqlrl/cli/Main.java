package dev.sqlrl.cli;

import picocli.CommandLine;

/** Entry point of the `sqlrl` command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        return new CommandLine(new SqlrlCommand()).setExecutionExceptionHandler(new UserErrorHandler()).execute(args);
    }
}
