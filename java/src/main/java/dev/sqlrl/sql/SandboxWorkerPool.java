package dev.sqlrl.sql;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Sandbox worker processes ({@link SandboxWorker}), reused across queries and databases, started
 * with this JVM's java and class path (a shaded jar's too). A watchdog kills a worker that has not
 * answered by the query's deadline plus {@link #WATCHDOG_SLACK_MILLIS} (the query counts as a
 * TIMEOUT); a worker that dies on a query (a crash, a native stack overflow) answers it with an
 * error; either way a replacement starts in the background, so callers never see the death.
 * Each worker's memory is capped: the JVM heap at {@link #WORKER_HEAP_MB} MiB, SQLite's own heap
 * (hard_heap_limit) at {@link #SQLITE_HEAP_MB} MiB, and, where a POSIX shell can set it, the whole process's
 * address space at {@link #WORKER_ADDRESS_SPACE_MB} MiB (RLIMIT_AS, as `ulimit -v`): sqlite-jdbc's build does not
 * keep the memory statistics that hard_heap_limit needs, so on its own it did not stop an ephemeral DISTINCT index of
 * 100 KB strings from growing a worker past 1 GiB within the deadline; under the address-space cap SQLite's
 * allocation fails instead and the query ends as TOO_LARGE ("out of memory").
 * Thread-safe: one worker serves one query at a time; concurrent callers get their own workers.
 */
final class SandboxWorkerPool implements AutoCloseable {
    /** How long past its deadline a query may take before its worker is killed: the worker's own progress handler normally stops it first. */
    static final long WATCHDOG_SLACK_MILLIS = 500;
    static final int WORKER_HEAP_MB = 256;
    static final int SQLITE_HEAP_MB = 384;
    /** The worker process's address-space cap; the JVM is started with small reservations so that it fits. */
    static final int WORKER_ADDRESS_SPACE_MB = 1024;
    private static final Path SHELL = Path.of("/bin/sh");
    /** A worker JVM that has not said it is ready by then is taken for broken (a loaded machine starts one in about a second). */
    private static final long STARTUP_TIMEOUT_MILLIS = 60_000;

    /** Kills overdue workers; one daemon thread for all pools. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sqlrl-sandbox-watchdog").daemon().factory());
    /** Starts replacement workers off the callers' threads. */
    private static final ExecutorService STARTER = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("sqlrl-sandbox-starter").daemon().factory());

    private final SandboxLimits limits;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final List<String> command;
    private volatile boolean closed;

    SandboxWorkerPool(SandboxLimits limits, int maxIdle) {
        this.limits = limits;
        this.maxIdle = Math.max(1, maxIdle);
        this.command = workerCommand(limits);
    }

    /** Runs one statement (already guarded) on {@code database}, a real path, in a worker. */
    ExecutionResult execute(Path database, String sql, long start) {
        if (closed) throw new IllegalStateException("the SQL sandbox is closed");
        Worker worker = idle.pollFirst();
        if (worker == null || !worker.process.isAlive()) {
            if (worker != null) worker.kill();
            worker = startWorker();
        }
        // the deadline counts from here: starting a replacement worker (after a kill) is not the query's time
        long deadline = System.nanoTime() + limits.timeoutMillis() * 1_000_000L;
        Worker.Outcome outcome = worker.run(new SandboxWire.Request(database, sql), deadline);
        if (outcome.reusable()) {
            release(worker);
        } else {
            worker.kill();
            replenishInBackground();
        }
        return switch (outcome.kind()) {
            case ANSWERED -> outcome.result();
            case KILLED_AT_DEADLINE -> ExecutionResult.failure(ErrorCategory.TIMEOUT,
                    "the query ran longer than " + limits.timeoutMillis() + " ms (its sandbox worker was stopped)", System.nanoTime() - start);
            case DIED -> ExecutionResult.failure(ErrorCategory.OTHER,
                    "the query crashed its sandbox worker (" + outcome.detail() + ")", System.nanoTime() - start);
        };
    }

    /** Process ids of the workers now idle (tests look at their memory). */
    List<Long> idleWorkerPids() {
        return idle.stream().map(w -> w.process.pid()).toList();
    }

    private void release(Worker worker) {
        if (closed || idle.size() >= maxIdle) {
            worker.close();
            return;
        }
        idle.addFirst(worker);
        if (closed && idle.remove(worker)) worker.close();
    }

    private void replenishInBackground() {
        if (closed || !idle.isEmpty()) return;
        STARTER.execute(() -> {
            try {
                if (!closed && idle.size() < maxIdle) release(startWorker());
            } catch (RuntimeException e) {
                // the next query starts its own worker and reports the problem
            }
        });
    }

    private Worker startWorker() {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        // glibc's per-thread malloc arenas each reserve 64 MiB of address space; two are plenty for one query at a time
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a SQL sandbox worker (" + command.getFirst() + "): " + e.getMessage(), e);
        }
        Worker worker = new Worker(process);
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(worker::kill, STARTUP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        try {
            int ready = worker.in.read();
            if (ready != SandboxWire.READY) {
                worker.kill();
                throw new IllegalStateException("a SQL sandbox worker did not start (exit code "
                        + (process.isAlive() ? "none" : process.exitValue()) + "); run `" + String.join(" ", command) + "` to see why");
            }
        } catch (IOException e) {
            worker.kill();
            throw new IllegalStateException("a SQL sandbox worker did not start: " + e.getMessage(), e);
        } finally {
            watchdog.cancel(false);
        }
        return worker;
    }

    /** java [memory caps] -cp <this class path> dev.sqlrl.sql.SandboxWorker <limits>. */
    private static List<String> workerCommand(SandboxLimits limits) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // absolute entries: the worker must find the classes whatever folder it runs in
        String classPath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(java,
                "-Xmx" + WORKER_HEAP_MB + "m", "-XX:MaxMetaspaceSize=128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // reservations small enough for the address-space cap (the defaults reserve a GiB of class space)
                "-XX:CompressedClassSpaceSize=64m", "-XX:ReservedCodeCacheSize=48m",
                "-Xshare:auto",
                // a crash leaves no hs_err_pid*.log or core file, and the JVM no hsperfdata file in /tmp
                "-XX:ErrorFile=/dev/null", "-XX:-CreateCoredumpOnCrash", "-XX:-UsePerfData",
                "--enable-native-access=ALL-UNNAMED"));
        for (Map.Entry<String, String> property : SqliteJdbcLibrary.useCachedCopy().entrySet()) {
            command.add("-D" + property.getKey() + "=" + property.getValue());
        }
        command.addAll(List.of("-cp", classPath, SandboxWorker.class.getName(),
                Long.toString(limits.instructionBudget()), Long.toString(limits.timeoutMillis()), Integer.toString(limits.maxRows()),
                Long.toString(limits.maxResultBytes()), Integer.toString(limits.maxValueBytes()), Integer.toString(limits.maxSqlChars()),
                Long.toString((long) SQLITE_HEAP_MB << 20)));
        if (Files.isExecutable(SHELL)) {
            // the shell sets the cap and replaces itself with the worker JVM: "$@" is the command above
            List<String> capped = new ArrayList<>(List.of(SHELL.toString(), "-c",
                    "ulimit -v " + ((long) WORKER_ADDRESS_SPACE_MB << 10) + " && exec \"$@\"", "sqlrl-sandbox-worker"));
            capped.addAll(command);
            return List.copyOf(capped);
        }
        return List.copyOf(command);
    }

    @Override
    public void close() {
        closed = true;
        Worker worker;
        while ((worker = idle.pollFirst()) != null) worker.close();
    }

    /** One worker process and its pipes. */
    private static final class Worker {
        enum Kind { ANSWERED, KILLED_AT_DEADLINE, DIED }

        record Outcome(Kind kind, ExecutionResult result, boolean reusable, String detail) {}

        final Process process;
        final DataInputStream in;
        final DataOutputStream out;

        Worker(Process process) {
            this.process = process;
            this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
            this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        }

        Outcome run(SandboxWire.Request request, long deadlineNanos) {
            long delay = deadlineNanos - System.nanoTime() + WATCHDOG_SLACK_MILLIS * 1_000_000L;
            // whichever comes first, the reply or the watchdog, settles the query; the other then stands back
            AtomicBoolean settled = new AtomicBoolean();
            AtomicBoolean killed = new AtomicBoolean();
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
                if (settled.compareAndSet(false, true)) {
                    killed.set(true);
                    kill();
                }
            }, Math.max(0, delay), TimeUnit.NANOSECONDS);
            try {
                SandboxWire.writeRequest(out, request);
                SandboxWire.Reply reply = SandboxWire.readReply(in);
                boolean beforeWatchdog = settled.compareAndSet(false, true);
                return new Outcome(Kind.ANSWERED, reply.result(), beforeWatchdog && !reply.retire(), null);
            } catch (IOException e) {
                settled.set(true);
                if (killed.get()) return new Outcome(Kind.KILLED_AT_DEADLINE, null, false, null);
                return new Outcome(Kind.DIED, null, false, exitDescription());
            } finally {
                watchdog.cancel(false);
            }
        }

        private String exitDescription() {
            try {
                if (process.waitFor(2, TimeUnit.SECONDS)) {
                    int code = process.exitValue();
                    return code > 128 ? "killed by signal " + (code - 128) : "exit code " + code;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "its pipe broke";
        }

        void kill() {
            process.destroyForcibly();
        }

        /** Closing stdin ends the worker's loop; it exits by itself. */
        void close() {
            try {
                out.close();
            } catch (IOException e) {
                kill();
            }
        }
    }
}
