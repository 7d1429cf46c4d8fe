package dev.sqlrl.train.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.TestPaths;
import dev.sqlrl.config.LossType;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.LoraConfig;
import dev.sqlrl.model.LoraTarget;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeModel.LoraBuffer;
import dev.sqlrl.model.NativeModel.LoraTensor;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.model.WeightMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole GRPO gradient path on a real (tiny) model: Java's d loss / d logp handed to native backward
 * must give the gradient of the loss with respect to the LoRA parameters, checked against central
 * finite differences of the loss computed through native log-probs, for every loss type, with clipped
 * tokens, a KL term and gradient accumulation over two micro-batches.
 */
class GrpoModelGradientTest {
    private static final int MAX_COMPLETION = 6;
    private static final double EPSILON = 1e-3;

    @BeforeAll
    static void needsNative() {
        NativeTests.assumeNative();
    }

    @ParameterizedTest
    @EnumSource(LossType.class)
    void backwardOfJavasTokenGradientsEqualsFiniteDifferences(LossType lossType) {
        try (NativeModel model = ModelLoader.load(TestPaths.reference("tiny-qwen2"), WeightMode.FP32, Device.CPU)) {
            model.attachLora(new LoraConfig(4, 8, LoraTarget.ALL, 0.0), 11);
            SplittableRandom random = new SplittableRandom(5);
            // B = 0 after attach would make every A gradient vanish: give B values so both matter
            for (LoraTensor t : model.loraTensors()) {
                float[] values = model.readLora(t, LoraBuffer.VALUE);
                for (int i = 0; i < values.length; i++) values[i] = (float) (0.1 * random.nextGaussian());
                model.writeLora(t, LoraBuffer.VALUE, values);
            }
            List<Batch> microBatches = List.of(batch(model, random, 3, 0), batch(model, random, 2, 1));
            GrpoLoss loss = new GrpoLoss(new GrpoLossConfig(lossType, 0.2, 0.28, 0.05, MAX_COMPLETION, true));
            long activeAll = 0;
            for (Batch b : microBatches) activeAll += loss.activeTokenCount(b.inputs(b.logprobsNow(model)));
            GradientAccumulation accumulation = new GradientAccumulation(microBatches.size(), activeAll);

            model.zeroGrad();
            for (Batch b : microBatches) {
                float[][] logp = model.logprobs(b.sequences, b.promptLens, true, 1.0, true);
                model.backward(loss.compute(new GrpoBatch(b.inputs(logp), accumulation)).dLossDLogp());
            }
            int checked = 0;
            for (LoraTensor t : List.of(model.loraTensor("model.layers.0.self_attn.q_proj.lora_A.weight"),
                    model.loraTensor("model.layers.1.mlp.down_proj.lora_B.weight"))) {
                float[] grad = model.readLora(t, LoraBuffer.GRAD);
                float[] values = model.readLora(t, LoraBuffer.VALUE);
                for (int k = 0; k < 4; k++) {
                    int i = random.nextInt(values.length);
                    float original = values[i];
                    values[i] = (float) (original + EPSILON);
                    model.writeLora(t, LoraBuffer.VALUE, values);
                    double plus = totalLoss(model, loss, microBatches, accumulation);
                    values[i] = (float) (original - EPSILON);
                    model.writeLora(t, LoraBuffer.VALUE, values);
                    double minus = totalLoss(model, loss, microBatches, accumulation);
                    values[i] = original;
                    model.writeLora(t, LoraBuffer.VALUE, values);
                    double numeric = (plus - minus) / (2 * EPSILON);
                    assertEquals(numeric, grad[i], 3e-4 + 0.01 * Math.abs(numeric),
                            lossType + " " + t.name() + "[" + i + "]");
                    checked++;
                }
            }
            assertEquals(8, checked);
        }
    }

    private static double totalLoss(NativeModel model, GrpoLoss loss, List<Batch> microBatches, GradientAccumulation acc) {
        double total = 0;
        for (Batch b : microBatches) total += loss.compute(new GrpoBatch(b.inputs(b.logprobsNow(model)), acc)).loss();
        return total;
    }

    /**
     * Completions with fixed old and reference log-probs: old = current - offset, with offsets that put some
     * tokens far inside the clip range and some far outside it (so that no finite-difference step crosses
     * a clip boundary); the last completion of the second micro-batch is truncated (masked).
     */
    private record Batch(int[][] sequences, int[] promptLens, float[][] old, float[][] reference, double[] advantages,
                         boolean[] truncated) {
        float[][] logprobsNow(NativeModel model) {
            return model.logprobs(sequences, promptLens, true, 1.0, false);
        }

        List<CompletionLogProbs> inputs(float[][] logp) {
            List<CompletionLogProbs> out = new ArrayList<>();
            for (int i = 0; i < sequences.length; i++) {
                out.add(new CompletionLogProbs(logp[i], old[i], reference[i], advantages[i], truncated[i]));
            }
            return out;
        }
    }

    private static Batch batch(NativeModel model, SplittableRandom random, int n, int salt) {
        int vocab = model.config().vocabSize();
        int[][] sequences = new int[n][];
        int[] promptLens = new int[n];
        double[] advantages = new double[n];
        boolean[] truncated = new boolean[n];
        for (int i = 0; i < n; i++) {
            promptLens[i] = 3 + random.nextInt(4);
            int completion = 2 + random.nextInt(MAX_COMPLETION - 1);
            sequences[i] = random.ints(promptLens[i] + completion, 0, vocab).toArray();
            advantages[i] = (i + salt) % 2 == 0 ? 0.8 + i * 0.3 : -1.1 + i * 0.2;
            truncated[i] = salt == 1 && i == n - 1;
        }
        float[][] now = model.logprobs(sequences, promptLens, true, 1.0, false);
        float[][] old = new float[n][];
        float[][] reference = new float[n][];
        float[] offsets = {0.05f, -0.6f, 0.7f, -0.03f, 0.4f, -0.4f};
        for (int i = 0; i < n; i++) {
            old[i] = new float[now[i].length];
            reference[i] = new float[now[i].length];
            for (int t = 0; t < now[i].length; t++) {
                old[i][t] = now[i][t] - offsets[(t + i) % offsets.length];
                reference[i][t] = now[i][t] + (float) (0.3 * random.nextGaussian());
            }
        }
        assertTrue(n > 0);
        return new Batch(sequences, promptLens, old, reference, advantages, truncated);
    }
}
