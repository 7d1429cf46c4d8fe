package dev.sqlrl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sqlrl.TestPaths;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prompt seeds through the Java API: a prompt's samples are the same whatever other prompts share the call. */
class PromptSeedsTest {
    private static final SamplingParams SAMPLED = new SamplingParams(false, 1.0, 0, 1.0, 5, 6, 2, List.of());

    @Test
    void aPromptDrawsTheSameAloneAndInABatch() {
        int[][] prompts = {{5, 9, 14}, {7, 7}, {3, 1, 4, 1}};
        try (NativeModel model = ModelLoader.load(TestPaths.reference("tiny-qwen2"), WeightMode.FP32, Device.CPU)) {
            List<Completion> all = model.generate(prompts, SAMPLED, false, new long[] {41, 42, 43});
            List<Completion> last = model.generate(new int[][] {prompts[2]}, SAMPLED, false, new long[] {43});
            for (int s = 0; s < 2; s++) assertArrayEquals(all.get(4 + s).tokens(), last.get(s).tokens());
            assertFalse(Arrays.equals(all.get(0).tokens(), all.get(1).tokens()) && Arrays.equals(all.get(2).tokens(),
                    all.get(3).tokens()), "the samples of a prompt should draw differently");
            assertThrows(IllegalArgumentException.class, () -> model.generate(prompts, SAMPLED, false, new long[] {1}));
        }
    }
}
