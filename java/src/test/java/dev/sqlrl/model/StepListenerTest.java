package dev.sqlrl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sqlrl.TestPaths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generate's step listener through the native upcall: what it is told, ending early, and a listener that throws. */
class StepListenerTest {
    private static final int[][] PROMPTS = {{5, 9, 14}, {7, 7}};
    private static final SamplingParams SAMPLED = new SamplingParams(false, 0.9, 0, 1.0, 11, 6, 2, List.of());

    @Test
    void theListenerIsToldEveryStepOfEveryRowAndCanEndTheCall() {
        try (NativeModel model = ModelLoader.load(TestPaths.reference("tiny-qwen2"), WeightMode.FP32, Device.CPU)) {
            List<Completion> plain = model.generate(PROMPTS, SAMPLED, false);
            List<int[]> steps = new ArrayList<>();
            List<Completion> told = model.generate(PROMPTS, SAMPLED, false, (step, tokens) -> {
                assertEquals(steps.size(), step);
                steps.add(tokens);
                return true;
            });
            assertEquals(6, steps.size());
            for (int row = 0; row < 4; row++) {
                assertArrayEquals(plain.get(row).tokens(), told.get(row).tokens());
                for (int step = 0; step < 6; step++) assertEquals(told.get(row).tokens()[step], steps.get(step)[row]);
            }
            List<Completion> cut = model.generate(PROMPTS, SAMPLED, false, (step, tokens) -> step < 1);
            for (int row = 0; row < 4; row++) {
                assertArrayEquals(java.util.Arrays.copyOf(plain.get(row).tokens(), 2), cut.get(row).tokens());
            }
        }
    }

    @Test
    void aListenerThatThrowsEndsTheCallWithItsExceptionAndTheModelStaysUsable() {
        try (NativeModel model = ModelLoader.load(TestPaths.reference("tiny-qwen2"), WeightMode.FP32, Device.CPU)) {
            IllegalStateException boom = new IllegalStateException("listener failed");
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> model.generate(PROMPTS, SAMPLED, false, (step, tokens) -> {
                        throw boom;
                    }));
            assertSame(boom, thrown);
            assertEquals(4, model.generate(PROMPTS, SAMPLED, false).size());
        }
    }
}
