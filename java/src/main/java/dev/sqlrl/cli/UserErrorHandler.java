package dev.sqlrl.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Errors a user can fix (bad files, bad arguments) print one clear line and exit 2, without a
 * stack trace; anything else is a bug and keeps its trace. SQLRL_DEBUG=1 shows every trace.
 */
public final class UserErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        boolean debug = "1".equals(System.getenv("SQLRL_DEBUG"));
        if (e instanceof dev.sqlrl.UserInputException && !debug) {
            cmd.getErr().println("sqlrl: " + dev.sqlrl.OneLine.of(String.valueOf(e.getMessage())));
            return 2;
        }
        if (e instanceof dev.sqlrl.dist.DistributedException && !debug) {
            // another rank stopped: its own output says why; this one only says that it stopped with it
            cmd.getErr().println("sqlrl: " + dev.sqlrl.OneLine.of(String.valueOf(e.getMessage())));
            return 1;
        }
        e.printStackTrace(cmd.getErr());
        return 1;
    }
}
