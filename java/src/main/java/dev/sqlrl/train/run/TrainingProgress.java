package dev.sqlrl.train.run;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Training progress on stderr (stdout stays free for results). On a terminal, and when enabled,
 * a live progress bar with elapsed time, ETA and the key metrics of the latest step. Otherwise
 * (disabled, redirected, CI) plain lines, so that logs stay readable:
 * <pre>grpo step 40/500 (8.0%) 2.10 s/step elapsed 1m24s ETA 16m06s | loss=0.0123 reward=0.41</pre>
 * printed at the first step, then whenever {@link #PLAIN_EVERY_FRACTION} of the steps or
 * {@link #PLAIN_EVERY} has passed, and for the last step seen when closed.
 */
public final class TrainingProgress implements AutoCloseable {
    static final double PLAIN_EVERY_FRACTION = 0.05;
    static final Duration PLAIN_EVERY = Duration.ofSeconds(10);

    private final String task;
    private final long totalSteps;
    private final long startStep;
    private final ProgressBar bar;
    private final PrintStream out;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private final long plainEverySteps;

    private long lastStep;
    private String lastMetrics = "";
    private long lastPrintedStep = Long.MIN_VALUE;
    private long lastPrintedNanos;

    /**
     * @param task a short name shown first ("sft", "grpo")
     * @param totalSteps the step the run ends at
     * @param startStep the step already done when this starts (the resumed checkpoint's; 0 for a new run)
     * @param enabled false prints plain lines even on a terminal
     */
    public TrainingProgress(String task, long totalSteps, long startStep, boolean enabled) {
        this(task, totalSteps, startStep, enabled && isTerminal(), System.err, System::nanoTime);
    }

    /** Progress that prints nothing: a data-parallel rank other than the leader, which reports for all. */
    public static TrainingProgress silent(String task, long totalSteps, long startStep) {
        return new TrainingProgress(task, totalSteps, startStep, false, new PrintStream(java.io.OutputStream.nullOutputStream()),
                System::nanoTime);
    }

    TrainingProgress(String task, long totalSteps, long startStep, boolean bar, PrintStream out, LongSupplier nanoTime) {
        if (totalSteps < 0 || startStep < 0 || startStep > totalSteps) {
            throw new IllegalArgumentException("need 0 <= startStep <= totalSteps, got " + startStep + " and " + totalSteps);
        }
        this.task = task;
        this.totalSteps = totalSteps;
        this.startStep = startStep;
        this.out = out;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.lastStep = startStep;
        this.plainEverySteps = Math.max(1, Math.round(totalSteps * PLAIN_EVERY_FRACTION));
        this.bar = bar ? new ProgressBarBuilder().setTaskName(task).setInitialMax(totalSteps)
                .startsFrom(startStep, Duration.ZERO).setConsumer(new ConsoleProgressBarConsumer(out))
                .setUpdateIntervalMillis(500).build() : null;
    }

    /** Whether the bar would be drawn: the JVM has a terminal for its standard input and output. */
    static boolean isTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /**
     * Reports that {@code step} is done, with the metrics to show (in map order), e.g.
     * {@code loss=0.0123 reward=0.41 ex=0.55}.
     */
    public synchronized void step(long step, Map<String, String> keyMetrics) {
        lastStep = step;
        StringJoiner metrics = new StringJoiner(" ");
        keyMetrics.forEach((key, value) -> metrics.add(key + "=" + value));
        lastMetrics = metrics.toString();
        if (bar != null) {
            bar.stepTo(step);
            bar.setExtraMessage(lastMetrics);
            return;
        }
        long now = nanoTime.getAsLong();
        boolean first = lastPrintedStep == Long.MIN_VALUE;
        if (first || step >= totalSteps || step - lastPrintedStep >= plainEverySteps
                || now - lastPrintedNanos >= PLAIN_EVERY.toNanos()) {
            printLine(now);
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
        } else if (lastStep != lastPrintedStep && lastStep > startStep) {
            printLine(nanoTime.getAsLong());
        }
    }

    private void printLine(long now) {
        lastPrintedStep = lastStep;
        lastPrintedNanos = now;
        out.println(line(now));
        out.flush();
    }

    String line(long now) {
        Duration elapsed = Duration.ofNanos(now - startNanos);
        long done = lastStep - startStep;
        StringBuilder line = new StringBuilder().append(task).append(" step ").append(lastStep).append('/').append(totalSteps);
        if (totalSteps > 0) {
            line.append(String.format(" (%.1f%%)", 100.0 * lastStep / totalSteps));
        }
        if (done > 0) {
            double secondsPerStep = elapsed.toNanos() / 1e9 / done;
            Duration eta = Duration.ofMillis(Math.round(secondsPerStep * (totalSteps - lastStep) * 1000));
            line.append(String.format(" %.2f s/step", secondsPerStep)).append(" elapsed ").append(format(elapsed))
                    .append(" ETA ").append(format(eta));
        } else {
            line.append(" elapsed ").append(format(elapsed));
        }
        if (!lastMetrics.isEmpty()) {
            line.append(" | ").append(lastMetrics);
        }
        return line.toString();
    }

    /** 45s, 3m07s, 2h05m: compact and still exact enough for a training ETA. */
    static String format(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }
}
