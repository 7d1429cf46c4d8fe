package dev.sqlrl.train.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The run's samples.jsonl: completions the model sampled during training with what they earned
 * (prompt, completion, extracted SQL, reward components, ...: whatever the trainer records), one
 * JSON object per line with an integer "step". Same writing, NaN and resume rules as {@link MetricsLog}.
 * Each write can also go to a {@link TensorBoardEvents} file, as one text (Markdown) at its step.
 */
public final class SamplesLog implements AutoCloseable {
    /** Keys of a sample record that its TensorBoard text shows, when the record has them. */
    public static final String GROUP = "group";
    public static final String PROMPT = "prompt";
    public static final String COMPLETION = "completion";
    public static final String REWARD = "reward";
    public static final String OUTCOME = "outcome";

    private final JsonLinesFile lines;
    /** Where each write also goes as text; null for JSON lines only. */
    private final TensorBoardEvents tensorboard;

    private SamplesLog(JsonLinesFile lines, TensorBoardEvents tensorboard) {
        this.lines = lines;
        this.tensorboard = tensorboard;
    }

    /** Opens the file for appending after dropping records past {@code resumeAfterStep} (-1 for a run that starts from scratch). */
    public static SamplesLog open(Path file, long resumeAfterStep) {
        return new SamplesLog(JsonLinesFile.open(file, resumeAfterStep), null);
    }

    /** As {@link #open(Path, long)}, and every write also goes to {@code tensorboard} (which the caller closes). */
    public static SamplesLog open(Path file, long resumeAfterStep, TensorBoardEvents tensorboard) {
        return new SamplesLog(JsonLinesFile.open(file, resumeAfterStep), tensorboard);
    }

    /** Appends one record; it must hold "step" (a non-negative integer). */
    public void write(Map<String, Object> record) {
        write(List.of(record));
    }

    /**
     * Appends the records of one step, each holding the same "step" (a non-negative integer); TensorBoard
     * gets them as one text, since it keeps one value per tag and step.
     */
    public void write(List<Map<String, Object>> records) {
        if (records.isEmpty()) {
            return;
        }
        Object step = records.getFirst().get(JsonLinesFile.STEP);
        for (Map<String, Object> record : records) {
            JsonLinesFile.requireStep(record);
            if (!Objects.equals(record.get(JsonLinesFile.STEP), step)) {
                throw new IllegalArgumentException("samples written together must share their step, got " + step
                        + " and " + record.get(JsonLinesFile.STEP));
            }
        }
        records.forEach(lines::append);
        if (tensorboard != null) {
            tensorboard.writeText(TensorBoardEvents.SAMPLES_TAG, ((Number) step).longValue(),
                    SamplesMarkdown.render(records));
        }
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
