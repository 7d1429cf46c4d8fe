package dev.sqlrl.cli;

import picocli.CommandLine;

/** Entry point of the `sqlrl` command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // before anything opens a database: sqlite-jdbc then loads its library from sqlrl's cache, not a new /tmp copy
        dev.sqlrl.sql.SqliteJdbcLibrary.useCachedCopy();
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line as {@link #run} executes it, for tests that reach into a subcommand before executing. */
    static CommandLine commandLine() {
        // No @file expansion: `--sql @/etc/passwd` is SQL text, never a file read behind the user's back.
        return new CommandLine(new SqlrlCommand()).setExpandAtFiles(false)
                .setExecutionExceptionHandler(new UserErrorHandler());
    }
}
