package dev.sqlrl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.TestPaths;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A second session of a model: its own pending graph and step listener, the model's weights and adapters. */
class ModelSessionTest {
    private static final int[][] BATCH = {{5, 9, 14, 3, 8}, {7, 7, 2, 4}};
    private static final int[] PROMPTS = {2, 1};

    @Test
    void aSessionsPendingGraphSurvivesAnotherSessionsLogprobs() {
        try (NativeModel model = loraModel(); ModelSession other = model.openSession()) {
            float[][] mine = model.logprobs(BATCH, PROMPTS, true, 1.0, true);
            other.logprobs(new int[][] {{1, 2, 3}}, new int[] {1}, true, 1.0, true);  // would replace a shared graph
            model.backward(ones(mine));
            float[] viaTwoSessions = model.readLora(model.loraTensors().get(0), NativeModel.LoraBuffer.GRAD);

            model.zeroGrad();
            model.backward(ones(model.logprobs(BATCH, PROMPTS, true, 1.0, true)));
            float[] alone = model.readLora(model.loraTensors().get(0), NativeModel.LoraBuffer.GRAD);
            assertArrayEquals(alone, viaTwoSessions, 1e-7f);
            assertTrue(maxAbs(alone) > 0, "the gradient checked must not be all zeros");
        }
    }

    @Test
    void aStepListenerIsToldOnlyItsOwnSessionsSteps() {
        SamplingParams greedy = new SamplingParams(true, 1.0, 0, 1.0, 0, 3, 1, List.of());
        try (NativeModel model = loraModel(); ModelSession server = model.openSession()) {
            AtomicInteger steps = new AtomicInteger();
            List<Completion> served = server.generate(BATCH, greedy, true, (step, tokens) -> steps.incrementAndGet() > 0);
            assertEquals(3, steps.get());
            List<Completion> plain = model.generate(BATCH, greedy, true);
            assertEquals(3, steps.get());
            for (int row = 0; row < 2; row++) assertArrayEquals(plain.get(row).tokens(), served.get(row).tokens());
        }
    }

    @Test
    void aSessionKeepsWorkingAfterItsModelIsClosedAndRefusesCallsOnceClosed() {
        ModelSession session;
        float[][] before;
        try (NativeModel model = loraModel()) {
            session = model.openSession();
            before = session.logprobs(BATCH, PROMPTS, true, 1.0, false);
        }
        float[][] after = session.logprobs(BATCH, PROMPTS, true, 1.0, false);
        for (int i = 0; i < BATCH.length; i++) assertArrayEquals(before[i], after[i]);
        session.close();
        assertThrows(IllegalStateException.class, () -> session.logprobs(BATCH, PROMPTS, true, 1.0, false));
    }

    private static NativeModel loraModel() {
        NativeModel model = ModelLoader.load(TestPaths.reference("tiny-qwen2"), WeightMode.FP32, Device.CPU);
        model.attachLora(new LoraConfig(4, 8, LoraTarget.ALL, 0), 1);
        // B starts at zero, which would make A's gradients zero: give the first B values.
        NativeModel.LoraTensor b = model.loraTensors().get(1);
        float[] values = new float[(int) b.elementCount()];
        for (int i = 0; i < values.length; i++) values[i] = 0.01f * ((i % 7) - 3);
        model.writeLora(b, NativeModel.LoraBuffer.VALUE, values);
        return model;
    }

    private static float[][] ones(float[][] shape) {
        float[][] out = new float[shape.length][];
        for (int i = 0; i < shape.length; i++) {
            out[i] = new float[shape[i].length];
            java.util.Arrays.fill(out[i], 1f);
        }
        return out;
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) max = Math.max(max, Math.abs(v));
        return max;
    }
}
