package dev.sqlrl.dist;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Starts the ranks of a data-parallel run on this machine as child processes of one command, each with the
 * variables torchrun would set (RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1, MASTER_PORT=a free port), copies
 * their output prefixed with the rank, and stops them all as soon as one fails, so that the others do not wait for
 * it until their timeout. Children are stopped on every way out, the launcher's own SIGTERM or Ctrl-C included.
 */
public final class RankLauncher {
    /** How long a stopped rank gets for its shutdown (SIGTERM) before it is killed (SIGKILL). */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
    /** How long the output of an exited rank may take to drain (a grandchild may hold its pipe open). */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);

    private final List<String> command;
    private final int ranks;
    private final PrintStream out;
    private final PrintStream err;
    private final Duration stopGrace;
    /** Shared with the shutdown hook, which may run while {@link #run()} still starts ranks. */
    private final List<Rank> started = new CopyOnWriteArrayList<>();

    /** One started rank and the threads copying its output. */
    private record Rank(int rank, Process process, List<Thread> copiers) {}

    /**
     * @param command   the program and arguments every rank runs
     * @param ranks     how many ranks to start (>= 1)
     * @param out       where the ranks' standard output goes, prefixed
     * @param err       where their standard error goes, prefixed, and where the launcher reports a failed rank
     * @param stopGrace how long a rank being stopped gets before it is killed
     */
    public RankLauncher(List<String> command, int ranks, PrintStream out, PrintStream err, Duration stopGrace) {
        if (command.isEmpty()) throw new IllegalArgumentException("no command to launch");
        if (ranks < 1) throw new IllegalArgumentException("ranks must be >= 1, got " + ranks);
        this.command = List.copyOf(command);
        this.ranks = ranks;
        this.out = out;
        this.err = err;
        this.stopGrace = stopGrace;
    }

    /**
     * Runs the ranks to their end. Returns 0 when every rank exited 0; otherwise the exit value of the first rank that
     * failed (128 + N for one killed by signal N), after saying which on {@code err} and stopping the others.
     */
    public int run() {
        Thread stopOnShutdown = new Thread(this::stopAll, "sqlrl-stop-ranks");
        Runtime.getRuntime().addShutdownHook(stopOnShutdown);
        try {
            int port = FreePort.find();
            BlockingQueue<Rank> exited = new LinkedBlockingQueue<>();
            for (int rank = 0; rank < ranks; rank++) {
                Rank started = start(rank, port);
                started.process().onExit().thenRun(() -> exited.add(started));
            }
            for (int remaining = ranks; remaining > 0; remaining--) {
                Rank done = exited.take();
                awaitOutput(done); // its last lines come before the launcher's verdict
                RankExit exit = new RankExit(done.rank(), done.process().pid(), done.process().exitValue());
                if (!exit.succeeded()) {
                    err.println("sqlrl: " + exit.describe() + (ranks > 1 ? "; stopping the other ranks" : ""));
                    return exit.exitValue();
                }
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("sqlrl: interrupted; stopping the ranks");
            return 1;
        } finally {
            stopAll();
            started.forEach(this::awaitOutput);
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnShutdown);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: nothing left to remove
            }
        }
    }

    private Rank start(int rank, int port) {
        // ranks read no input: end of file at once, never the launcher's terminal that several would read at once
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("RANK", Integer.toString(rank));
        env.put("LOCAL_RANK", Integer.toString(rank));
        env.put("WORLD_SIZE", Integer.toString(ranks));
        env.put("LOCAL_WORLD_SIZE", Integer.toString(ranks));
        env.put("MASTER_ADDR", "127.0.0.1");
        env.put("MASTER_PORT", Integer.toString(port));
        // inherited from an outer torchrun, it would tell rank 0 not to host the store that no agent hosts here
        env.remove(DistributedEnv.AGENT_STORE_VARIABLE);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start rank " + rank + " (" + command.getFirst() + ")", e);
        }
        String prefix = "[rank " + rank + "] ";
        List<Thread> copiers = List.of(
                copier(new PrefixedLineCopier(process.getInputStream(), prefix, out), "rank-" + rank + "-stdout"),
                copier(new PrefixedLineCopier(process.getErrorStream(), prefix, err), "rank-" + rank + "-stderr"));
        Rank started = new Rank(rank, process, copiers);
        this.started.add(started);
        return started;
    }

    private static Thread copier(Runnable copy, String name) {
        Thread thread = new Thread(copy, name);
        thread.setDaemon(true); // a grandchild holding the pipe open must not keep the launcher alive
        thread.start();
        return thread;
    }

    /** Waits (bounded) until the rank's output is copied to the end. */
    private void awaitOutput(Rank rank) {
        long deadline = System.nanoTime() + OUTPUT_DRAIN.toNanos();
        for (Thread copier : rank.copiers()) {
            try {
                copier.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops every rank still running, with the processes it started: SIGTERM first, so that a JVM runs its shutdown
     * hooks (checkpoint files are written atomically; native memory is released), then SIGKILL after the grace period.
     */
    private void stopAll() {
        List<ProcessHandle> alive = new ArrayList<>();
        for (Rank rank : started) {
            // descendants first: once the rank is gone its children are re-parented and can no longer be found
            Stream.concat(rank.process().descendants(), Stream.of(rank.process().toHandle()))
                    .filter(ProcessHandle::isAlive).forEach(alive::add);
        }
        alive.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + stopGrace.toNanos();
        for (ProcessHandle handle : alive) {
            try {
                handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException stillRunning) {
                handle.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.destroyForcibly();
            } catch (ExecutionException impossible) {
                handle.destroyForcibly();
            }
        }
        for (ProcessHandle handle : alive) {
            try {
                handle.onExit().get(stopGrace.toNanos(), TimeUnit.NANOSECONDS); // SIGKILL cannot be ignored: short
            } catch (TimeoutException | ExecutionException | InterruptedException e) {
                // a process stuck in the kernel (uninterruptible I/O); nothing more can be done from here
            }
        }
    }
}
