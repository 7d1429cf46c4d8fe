package dev.sqlrl.sql;

import dev.sqlrl.UserInputException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The main class of a sandbox worker process: reads requests on stdin, runs each with an {@link
 * SqliteExecutor}, writes the replies on stdout ({@link SandboxWire}), and exits when stdin closes
 * (its parent closed it, or died). Started by {@link SandboxWorkerPool} with the limits as
 * arguments; a crash, a native stack overflow or an allocation storm here costs only this process.
 */
public final class SandboxWorker {
    private SandboxWorker() {}

    /** Arguments: the six {@link SandboxLimits} in record order, then SQLite's hard heap limit in bytes. */
    public static void main(String[] args) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        System.setOut(System.err); // stdout carries the protocol only: a library's print must not corrupt it
        // A parent that dies mid-query closes stdin, but this worker would read it only after the query:
        // go at once instead of finishing work nobody waits for.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
        SandboxLimits limits = new SandboxLimits(Long.parseLong(args[0]), Long.parseLong(args[1]), Integer.parseInt(args[2]),
                Long.parseLong(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        try (SqliteExecutor executor = new SqliteExecutor(limits, 4)) {
            limitSqliteHeap(Long.parseLong(args[6]));
            out.writeByte(SandboxWire.READY);
            out.flush();
            SandboxWire.Request request;
            while ((request = SandboxWire.readRequest(in)) != null) {
                long start = System.nanoTime();
                try {
                    SandboxWire.writeResult(out, executor.execute(request.database(), request.sql(), start), false);
                } catch (UserInputException e) {
                    SandboxWire.writeUserError(out, e.getMessage());
                } catch (RuntimeException e) {
                    ExecutionResult failed = ExecutionResult.failure(ErrorCategory.OTHER,
                            dev.sqlrl.OneLine.of("the sandbox worker failed: " + e), System.nanoTime() - start);
                    SandboxWire.writeResult(out, failed, true);
                    return;
                } catch (OutOfMemoryError e) {
                    ExecutionResult tooLarge = ExecutionResult.failure(ErrorCategory.TOO_LARGE,
                            "the query needed more memory than a sandbox worker has", System.nanoTime() - start);
                    SandboxWire.writeResult(out, tooLarge, true);
                    return;
                }
            }
        }
    }

    /** sqlite3_hard_heap_limit64 is process-wide: set once, it bounds every connection of this worker. */
    private static void limitSqliteHeap(long bytes) {
        try (Connection memory = DriverManager.getConnection("jdbc:sqlite::memory:");
                Statement statement = memory.createStatement()) {
            statement.execute("PRAGMA hard_heap_limit = " + bytes);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot limit SQLite's heap: " + e.getMessage(), e);
        }
    }
}
