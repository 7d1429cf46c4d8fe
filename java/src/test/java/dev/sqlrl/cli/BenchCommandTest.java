package dev.sqlrl.cli;

import static dev.sqlrl.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.cli.CliRun.Result;
import dev.sqlrl.model.NativeRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `sqlrl bench sample|train-step` on the tiny shape on CPU: every figure present and consistent. */
class BenchCommandTest {
    @BeforeAll
    static void needsNative() {
        assumeFalse(Boolean.getBoolean("sqlrl.native.skip"), "native library not built");
    }

    @Test
    void sampleReportsThroughputPrefillDecodeAndTheRoofline() throws Exception {
        Result res = run("bench", "sample", "--shape", "tiny", "--device", "cpu",
                "--batch", "8", "--samples-per-prompt", "4", "--prompt-len", "24", "--new-tokens", "12", "--repeats", "2",
                "--json");
        assertEquals(0, res.code(), res.err());
        JsonNode r = res.lastLineJson();
        assertEquals("sample", r.get("benchmark").asText());
        assertEquals("tiny", r.get("shape").asText());
        assertEquals("nf4", r.get("weights").asText());
        // No stop ids: every row runs all its new tokens.
        assertEquals(8 * 12, r.get("generated_tokens").asLong());
        assertEquals(r.get("generated_tokens").asDouble() / r.get("total_s").asDouble(), r.get("tokens_per_s").asDouble(), 1e-6);
        assertTrue(r.get("prefill_ms").asDouble() > 0);
        assertTrue(r.get("decode_ms_per_step").asDouble() > 0);
        JsonNode roof = r.get("roofline");
        assertEquals(roof.get("weight_bytes").asLong() + roof.get("lora_bytes").asLong() + roof.get("kv_cache_bytes").asLong(),
                roof.get("bytes_per_decode_step").asLong());
        // tiny: 4 layers, 2 kv heads of 32, fp32 cache on CPU; the fused step reads each of the 2 prompts' 24 positions
        // once for its 4 samples, and each of the 8 rows' 12 / 2 generated positions on average.
        assertEquals("fused", r.get("decode_step").asText());
        assertEquals(2L * 4 * (2 * 24 + 8 * 6) * 2 * 32 * 4, roof.get("kv_cache_bytes").asLong());
        // LoRA r16 on all projections of 4 layers (hidden 128, intermediate 352, kv 64): A and B in fp32.
        long perLayer = 16L * ((128 + 128) * 2 + (128 + 64) * 2 + (128 + 352) * 3);
        assertEquals(4 * 4 * perLayer, roof.get("lora_bytes").asLong());
        assertTrue(roof.get("bandwidth_bytes_per_s").asDouble() > 1e8);
        assertEquals(roof.get("bytes_per_decode_step").asDouble() / roof.get("bandwidth_bytes_per_s").asDouble() * 1e3,
                roof.get("ms_per_decode_step").asDouble(), 1e-9);
        assertEquals(roof.get("ms_per_decode_step").asDouble() / r.get("decode_ms_per_step").asDouble(),
                roof.get("fraction_of_roofline").asDouble(), 1e-9);
        assertTrue(r.get("process_peak_rss_bytes").asLong() > 0);
        // Every layer dispatches its 7 projections with LoRA (NF4 dequantized on the CPU) and the fused operators.
        assertEquals(4, r.get("layers").asInt());
        long ops = r.get("aten_ops_per_decode_step").asLong();
        assertTrue(ops > 4 * 20, "ops per decode step: " + ops);
        assertEquals((double) ops / 4, r.get("aten_ops_per_layer").asDouble(), 1e-9);
        assertFalse(r.has("hf_baseline"), "tiny has no measured baseline");
        assertTrue(res.out().contains("tokens/s"), res.out());
    }

    @Test
    void plainDecodeStepIsReportedBesideTheFusedStepWithItsOperatorsAndCacheReads() throws Exception {
        JsonNode[] runs = new JsonNode[2];
        String[] steps = {"fused", "plain"};
        for (int i = 0; i < 2; i++) {
            List<String> args = new ArrayList<>(List.of("bench", "sample", "--shape", "tiny", "--device", "cpu",
                    "--weights", "fp32", "--batch", "4", "--samples-per-prompt", "2", "--prompt-len", "16",
                    "--new-tokens", "4", "--repeats", "1", "--json"));
            if (i == 1) args.addAll(List.of("--decode-step", "plain"));
            Result res = run(args.toArray(String[]::new));
            assertEquals(0, res.code(), res.err());
            runs[i] = res.lastLineJson();
            assertEquals(steps[i], runs[i].get("decode_step").asText());
        }
        double fused = runs[0].get("aten_ops_per_layer").asDouble(), plain = runs[1].get("aten_ops_per_layer").asDouble();
        // The budget (fp32 weights: the GEMMs read the stored matrices; the draw's operators included).
        assertTrue(fused < 30, "fused step: " + fused + " operators per layer");
        assertTrue(plain > 3 * fused, "plain step: " + plain + " vs fused " + fused);
        // The plain step reads every row's own copy of its prompt: 4 rows x 16 positions instead of 2 x 16.
        long fusedKv = runs[0].get("roofline").get("kv_cache_bytes").asLong();
        long plainKv = runs[1].get("roofline").get("kv_cache_bytes").asLong();
        assertEquals(2L * 4 * (2 * 16 + 4 * 2) * 2 * 32 * 4, fusedKv);
        assertEquals(2L * 4 * (4 * 16 + 4 * 2) * 2 * 32 * 4, plainKv);
    }

    @Test
    void trainStepReportsTokensPerSecondAndItsSplit() throws Exception {
        Result res = run("bench", "train-step", "--shape", "tiny", "--device", "cpu",
                "--weights", "bf16", "--batch", "4", "--micro-batch", "2", "--prompt-len", "16", "--completion-len", "8",
                "--steps", "2", "--json");
        assertEquals(0, res.code(), res.err());
        JsonNode r = res.lastLineJson();
        assertEquals(2, r.get("micro_batch").asInt());
        assertEquals(4 * 24, r.get("tokens_per_step").asLong());
        assertEquals(r.get("tokens_per_step").asDouble() / r.get("step_s").asDouble(), r.get("tokens_per_s").asDouble(), 1e-6);
        assertEquals(4 * 8 / r.get("step_s").asDouble(), r.get("completion_tokens_per_s").asDouble(), 1e-6);
        double parts = r.get("forward_s").asDouble() + r.get("backward_s").asDouble() + r.get("optimizer_s").asDouble();
        assertTrue(parts > 0 && parts <= r.get("step_s").asDouble() * 1.5, r.toString());
        assertTrue(r.get("checkpointing").asBoolean());
    }

    /** The one-process figure, then the same step on two ranks of real processes over Gloo, all-reduce timed apart. */
    @Test
    void trainStepOnTwoRanksIsReportedBesideOneProcess() throws Exception {
        Result res = run("bench", "train-step", "--shape", "tiny", "--device", "cpu", "--weights", "fp32", "--batch", "4",
                "--micro-batch", "2", "--prompt-len", "16", "--completion-len", "8", "--steps", "2", "--nproc-per-node", "2",
                "--json");
        assertEquals(0, res.code(), res.err());
        JsonNode r = res.lastLineJson();
        JsonNode dp = r.get("data_parallel");
        assertEquals(2, dp.get("ranks").asInt(), r.toString());
        assertEquals(r.get("tokens_per_step").asLong(), dp.get("tokens_per_step").asLong(), "the same whole step");
        assertTrue(dp.get("all_reduce_s").asDouble() > 0 && r.get("all_reduce_s").asDouble() < 1e-3, r.toString());
        assertTrue(res.out().contains("train-step on 2 data-parallel ranks: "), res.out());
    }

    @Test
    void grpoStepRunsTheTrainersStepWithItsTimeSplit() throws Exception {
        Result res = run("bench", "grpo-step", "--shape", "tiny", "--device", "cpu",
                "--threads", "1", "--prompts", "2", "--samples-per-prompt", "4", "--prompt-len", "24", "--new-tokens", "16",
                "--micro-batch", "4", "--steps", "1", "--set", "grpo.loss_type=grpo", "--json");
        assertEquals(0, res.code(), res.err());
        JsonNode r = res.lastLineJson();
        assertEquals(8, r.get("completions").asInt());
        assertEquals("grpo", r.get("loss_type").asText());
        long tokens = r.get("completion_tokens").asLong();
        assertTrue(tokens > 0 && tokens <= 8 * 16, r.toString());
        double parts = r.get("sample_s").asDouble() + r.get("reward_s").asDouble() + r.get("reference_s").asDouble()
                + r.get("update_s").asDouble();
        assertTrue(r.get("sample_s").asDouble() > 0 && r.get("update_s").asDouble() > 0, r.toString());
        // beta 0.04 by default: the reference pass runs.
        assertTrue(r.get("reference_s").asDouble() > 0, r.toString());
        assertTrue(parts <= r.get("step_s").asDouble() * 1.01, r.toString());

        Result bad = run("bench", "grpo-step", "--shape", "tiny", "--device", "cpu",
                "--prompts", "2", "--samples-per-prompt", "3", "--micro-batch", "4");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("must divide the 6 completions"), bad.err());
    }

    @Test
    void namedShapesCarryTheHuggingFaceBaseline() throws Exception {
        // The 0.5B shape on CPU is affordable for a two-token run; the baseline rides along for comparison.
        Result res = run("bench", "sample", "--shape", "qwen2.5-0.5b", "--device", "cpu",
                "--batch", "1", "--prompt-len", "4", "--new-tokens", "2", "--repeats", "1", "--lora-rank", "0", "--json");
        assertEquals(0, res.code(), res.err());
        JsonNode hf = res.lastLineJson().get("hf_baseline");
        assertEquals(1424, hf.get("generate_tokens_per_s").asDouble());
        assertEquals(18_600, hf.get("update_tokens_per_s").asDouble());
    }

    @Test
    void badInputIsAUserErrorWithAReason() {
        Result shape = run("bench", "sample", "--shape", "qwen9", "--device", "cpu");
        assertEquals(2, shape.code());
        assertTrue(shape.err().contains("unknown shape 'qwen9'") && shape.err().contains("qwen2.5-7b"), shape.err());

        Result groups = run("bench", "sample", "--shape", "tiny", "--device", "cpu",
                "--batch", "6", "--samples-per-prompt", "4");
        assertEquals(2, groups.code());
        assertTrue(groups.err().contains("multiple of the samples per prompt"), groups.err());

        Result micro = run("bench", "train-step", "--shape", "tiny", "--device", "cpu",
                "--batch", "4", "--micro-batch", "3");
        assertEquals(2, micro.code());
        assertTrue(micro.err().contains("must divide the batch"), micro.err());

        Result noLora = run("bench", "train-step", "--shape", "tiny", "--device", "cpu",
                "--lora-rank", "0");
        assertEquals(2, noLora.code());
        assertTrue(noLora.err().contains("--lora-rank"), noLora.err());

        Result dq = run("bench", "sample", "--shape", "tiny", "--device", "cpu",
                "--weights", "bf16", "--double-quant");
        assertEquals(2, dq.code());
        assertTrue(dq.err().contains("--double-quant needs --weights nf4"), dq.err());

        if (!NativeRuntime.cudaAvailable()) {
            Result cuda = run("bench", "sample", "--shape", "tiny");
            assertEquals(2, cuda.code());
            assertTrue(cuda.err().contains("device cuda") && cuda.err().contains("--device cpu"), cuda.err());
        }
        for (Result r : new Result[] {shape, groups, micro, noLora, dq}) {
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    @Test
    void serveRunsEachClientCountWithBatchingOffAndOn() throws Exception {
        Result res = run("bench", "serve", "--clients", "2", "--requests", "4", "--max-new-tokens", "8", "--json");
        assertEquals(0, res.code(), res.err());
        List<JsonNode> rows = new java.util.ArrayList<>();
        for (String line : res.out().strip().split("\n")) rows.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line));
        assertEquals(2, rows.size(), res.out());
        assertEquals("off", rows.get(0).get("batching").asText());
        assertEquals("on (32)", rows.get(1).get("batching").asText());
        for (JsonNode row : rows) {
            assertEquals(2, row.get("clients").asInt());
            assertEquals(4, row.get("requests").asInt());
            assertEquals(0, row.get("errors").asInt(), row.toString());
            assertTrue(row.get("requests_per_s").asDouble() > 0, row.toString());
        }
        assertEquals(1.0, rows.get(0).get("mean_batch_prompts").asDouble());
    }
}
