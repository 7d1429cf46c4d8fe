package dev.sqlrl.train.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The run's metrics.jsonl: one JSON object per line, each with an integer "step" and a "stage"
 * ("sft", "grpo" or "eval"), plus the metrics whose key names {@link MetricKeys} lists: the training code writes
 * typed {@link MetricsRecord}s, serialized by {@link MetricsJson}. Lines are
 * written (and flushed to the OS) one at a time, so a crash loses at most the line being written.
 * Values may be numbers, strings, booleans, lists or nested maps; NaN and infinities are written
 * as null. Each record can also go to a {@link TensorBoardEvents} file, as scalars. Safe to call from
 * several threads.
 */
public final class MetricsLog implements AutoCloseable {
    public static final Set<String> STAGES = Set.of("sft", "grpo", "eval");

    private final JsonLinesFile lines;
    /** Where each record also goes as scalars; null for JSON lines only. */
    private final TensorBoardEvents tensorboard;

    private MetricsLog(JsonLinesFile lines, TensorBoardEvents tensorboard) {
        this.lines = lines;
        this.tensorboard = tensorboard;
    }

    /**
     * Opens the file for appending. A resumed run passes the step of the checkpoint it resumes
     * from: records after it are dropped first (with the file rewritten atomically), so that the
     * file equals the one an uninterrupted run would have written. A fresh run (or a resumed one
     * that had no checkpoint yet, and so starts over) passes -1.
     */
    public static MetricsLog open(Path file, long resumeAfterStep) {
        return new MetricsLog(JsonLinesFile.open(file, resumeAfterStep), null);
    }

    /** As {@link #open(Path, long)}, and every record is also written to {@code tensorboard} (which the caller closes). */
    public static MetricsLog open(Path file, long resumeAfterStep, TensorBoardEvents tensorboard) {
        return new MetricsLog(JsonLinesFile.open(file, resumeAfterStep), tensorboard);
    }

    /** Appends the line of {@code record} followed by the metrics of {@code groups}, as {@link MetricsJson} writes them. */
    public void write(MetricsRecord record, Record... groups) {
        write(MetricsJson.toMap(record, groups));
    }

    /** Appends one record; it must hold "step" (a non-negative integer) and "stage" (sft, grpo or eval). */
    public void write(Map<String, Object> record) {
        JsonLinesFile.requireStep(record);
        Object stage = record.get(MetricKeys.STAGE);
        if (!(stage instanceof String name) || !STAGES.contains(name)) {
            throw new IllegalArgumentException("metrics record needs \"" + MetricKeys.STAGE + "\" to be one of " + STAGES
                    + ", got " + stage);
        }
        lines.append(record);
        if (tensorboard != null) {
            tensorboard.writeMetrics(record);
        }
    }

    /** Every record of a metrics file in order; a malformed line is an error naming the file and line. */
    public static List<Map<String, Object>> read(Path file) {
        return JsonLinesFile.read(file);
    }

    public Path file() {
        return lines.file();
    }

    @Override
    public void close() {
        lines.close();
    }
}
