package dev.sqlrl.serve;

import dev.sqlrl.model.Completion;
import dev.sqlrl.model.SamplingParams;
import dev.sqlrl.model.StepListener;
import java.util.List;

/**
 * One generate call over prompts of any lengths: params.numSamples() completions per prompt, prompt-major;
 * `listener` (nullable) is told each step's tokens while it runs.
 */
@FunctionalInterface
public interface BatchModel {
    List<Completion> generate(int[][] prompts, SamplingParams params, StepListener listener);
}
