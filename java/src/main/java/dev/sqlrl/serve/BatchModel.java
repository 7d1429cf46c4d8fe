package dev.sqlrl.serve;

import dev.sqlrl.model.Completion;
import dev.sqlrl.model.SamplingParams;
import java.util.List;

/** One generate call over prompts of any lengths: params.numSamples() completions per prompt, prompt-major. */
@FunctionalInterface
public interface BatchModel {
    List<Completion> generate(int[][] prompts, SamplingParams params);
}
