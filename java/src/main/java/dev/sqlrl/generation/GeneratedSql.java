package dev.sqlrl.generation;

import dev.sqlrl.data.Example;
import dev.sqlrl.data.Prompt;
import java.util.List;

/**
 * What the model answered to one example: the prompt as built and tokenized, and its samples
 * (one when greedy, k when sampling k).
 */
public record GeneratedSql(Example example, Prompt prompt, int[] promptTokens, List<Sample> samples) {
    public GeneratedSql {
        samples = List.copyOf(samples);
    }
}
