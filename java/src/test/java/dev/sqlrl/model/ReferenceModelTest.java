package dev.sqlrl.model;

import static dev.sqlrl.model.Assertions2.assertClose;
import static dev.sqlrl.model.Assertions2.relativeL2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.model.safetensors.SafetensorsFile;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The acceptance oracle: ../shared/reference holds logits, greedy tokens, log-probs and LoRA
 * gradients computed by transformers + peft in fp32; the native model must reproduce them.
 * The families beyond Qwen2 / Llama 2 (tiny-llama3, -codellama, -qwen3, -mistral, -phi3) are made by
 * scripts/reference/make_family_fixtures.py; their cases are skipped until its output is there.
 */
class ReferenceModelTest {
    private static final double TOLERANCE = 1e-4;

    @BeforeAll
    static void needsNative() {
        NativeTests.assumeNative();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama", "tiny-llama3", "tiny-codellama", "tiny-qwen3", "tiny-mistral", "tiny-phi3"})
    void logitsAtEveryPositionMatch(String name) {
        ReferenceFixture ref = ReferenceFixture.load(name);
        try (NativeModel model = ModelLoader.load(ref.dir(), WeightMode.FP32, Device.CPU)) {
            float[][] batched = model.logits(ref.prompts(), false);
            for (int i = 0; i < ref.prompts().length; i++) {
                assertClose(ReferenceFixture.flatten(ref.logits()[i]), batched[i], TOLERANCE, name + " prompt " + i);
                // one at a time gives the batched result: padding never leaks into a shorter prompt
                float[] alone = model.logits(new int[][] {ref.prompts()[i]}, false)[0];
                assertClose(alone, batched[i], 1e-5, name + " prompt " + i + " alone vs batched");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama", "tiny-llama3", "tiny-codellama", "tiny-qwen3", "tiny-mistral", "tiny-phi3"})
    void greedyTokensAreIdenticalAndEqualFullRecomputation(String name) {
        ReferenceFixture ref = ReferenceFixture.load(name);
        try (NativeModel model = ModelLoader.load(ref.dir(), WeightMode.FP32, Device.CPU)) {
            List<Completion> out = model.generate(ref.prompts(), SamplingParams.greedy(10, List.of()), false);
            for (int i = 0; i < ref.prompts().length; i++) {
                assertArrayEquals(ref.greedy()[i], out.get(i).tokens(), name + " prompt " + i);
                assertArrayEquals(GreedyRecomputation.greedy(model, ref.prompts()[i], 10, false), out.get(i).tokens(),
                        name + " prompt " + i + ": KV-cache decoding differs from full recomputation");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama", "tiny-llama3", "tiny-codellama", "tiny-qwen3", "tiny-mistral", "tiny-phi3"})
    void greedyDecodingWithAdaptersEqualsFullRecomputationWithAdapters(String name) {
        ReferenceFixture ref = ReferenceFixture.load(name);
        try (NativeModel model = ModelLoader.load(ref.dir(), WeightMode.FP32, Device.CPU)) {
            PeftAdapter.load(model, ref.adapter());
            List<Completion> out = model.generate(ref.prompts(), SamplingParams.greedy(10, List.of()), true);
            for (int i = 0; i < ref.prompts().length; i++) {
                assertArrayEquals(GreedyRecomputation.greedy(model, ref.prompts()[i], 10, true), out.get(i).tokens(),
                        name + " prompt " + i + ": decoding with adapters differs from full recomputation with adapters");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama", "tiny-llama3", "tiny-codellama", "tiny-qwen3", "tiny-mistral", "tiny-phi3"})
    void adapterLogitsAndCompletionLogprobsMatch(String name) {
        ReferenceFixture ref = ReferenceFixture.load(name);
        try (NativeModel model = ModelLoader.load(ref.dir(), WeightMode.FP32, Device.CPU)) {
            PeftAdapter.load(model, ref.adapter());
            float[][] withAdapter = model.logits(ref.prompts(), true);
            for (int i = 0; i < ref.prompts().length; i++) {
                assertClose(ReferenceFixture.flatten(ref.logitsWithAdapter()[i]), withAdapter[i], TOLERANCE,
                        name + " adapter logits, prompt " + i);
            }
            float[][] on = model.logprobs(ref.sequences(), ref.promptLens(), true, 1.0, false);
            float[][] off = model.logprobs(ref.sequences(), ref.promptLens(), false, 1.0, false);
            for (int i = 0; i < on.length; i++) {
                assertClose(ref.logprobsWithAdapter()[i], on[i], TOLERANCE, name + " logprobs with adapter, seq " + i);
                assertClose(ref.logprobsWithoutAdapter()[i], off[i], TOLERANCE, name + " logprobs without adapter, seq " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama", "tiny-llama3", "tiny-codellama", "tiny-qwen3", "tiny-mistral", "tiny-phi3"})
    void loraGradientsMatchPeft(String name) {
        ReferenceFixture ref = ReferenceFixture.load(name);
        for (boolean checkpointing : new boolean[] {true, false}) {
            try (NativeModel model = ModelLoader.load(ref.dir(), WeightMode.FP32, Device.CPU);
                 SafetensorsFile grads = SafetensorsFile.open(ref.dir().resolve("adapter_grads.safetensors"))) {
                PeftAdapter.load(model, ref.adapter());
                model.setCheckpointing(checkpointing);
                model.setLogprobChunk(5); // several chunks, so the chunked projection's backward is exercised
                model.zeroGrad();
                float[][] logprobs = model.logprobs(ref.sequences(), ref.promptLens(), true, 1.0, true);
                float[][] ones = new float[logprobs.length][];
                for (int i = 0; i < ones.length; i++) {
                    ones[i] = new float[logprobs[i].length];
                    Arrays.fill(ones[i], 1f); // loss = sum of completion log-probs (reference.json)
                }
                model.backward(ones);
                assertEquals(grads.tensors().size(), model.loraTensors().size());
                for (NativeModel.LoraTensor t : model.loraTensors()) {
                    double err = relativeL2(grads.floats(t.name()), model.readLora(t, NativeModel.LoraBuffer.GRAD));
                    assertTrue(err <= TOLERANCE, name + " " + t.name() + " (checkpointing " + checkpointing
                            + "): relative L2 error " + err);
                }
            }
        }
    }
}
