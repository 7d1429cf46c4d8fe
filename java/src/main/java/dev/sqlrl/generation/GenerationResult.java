package dev.sqlrl.generation;

import dev.sqlrl.data.Example;
import java.util.List;

/**
 * The answers of one {@link SqlGenerator#generateAll} call, in the order of the examples, and the
 * examples that were skipped because their prompt is longer than the limit.
 */
public record GenerationResult(List<GeneratedSql> generated, List<Example> skippedTooLong) {
    public GenerationResult {
        generated = List.copyOf(generated);
        skippedTooLong = List.copyOf(skippedTooLong);
    }

    public int skippedCount() {
        return skippedTooLong.size();
    }
}
