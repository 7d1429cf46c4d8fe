package dev.sqlrl.train.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The run's samples.jsonl: completions the model sampled during training with what they earned
 * (prompt, completion, extracted SQL, reward components, ...: whatever the trainer records), one
 * JSON object per line with an integer "step". Same writing, NaN and resume rules as {@link MetricsLog}.
 */
public final class SamplesLog implements AutoCloseable {
    private final JsonLinesFile lines;

    private SamplesLog(JsonLinesFile lines) {
        this.lines = lines;
    }

    /** Opens the file for appending after dropping records past {@code resumeAfterStep} (-1 for a run that starts from scratch). */
    public static SamplesLog open(Path file, long resumeAfterStep) {
        return new SamplesLog(JsonLinesFile.open(file, resumeAfterStep));
    }

    /** Appends one record; it must hold "step" (a non-negative integer). */
    public void write(Map<String, Object> record) {
        JsonLinesFile.requireStep(record);
        lines.append(record);
    }

    /** Every record of a samples file in order; a malformed line is an error naming the file and line. */
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
