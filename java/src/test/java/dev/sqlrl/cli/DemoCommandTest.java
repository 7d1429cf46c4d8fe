package dev.sqlrl.cli;

import static dev.sqlrl.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.cli.CliRun.Result;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.train.grpo.GrpoTrainer;
import dev.sqlrl.train.run.MetricKeys;
import dev.sqlrl.train.run.MetricsLog;
import dev.sqlrl.train.run.TensorBoardEvents;
import dev.sqlrl.train.run.TensorBoardFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learning test: the CPU demo, end to end with its fixed seed (a tiny random model on the built-in
 * company task), must show that SFT teaches the model SQL it did not know (EX at least 0.3 above the
 * untrained model on held-out test questions), and that GRPO learns: from the same SFT adapter, seed and
 * prompts, its mean reward over the last 30% of steps beats that of the same run with the policy frozen by
 * well over the noise of the prompts drawn (3 standard errors), with a non-zero gradient at every update.
 * (A reward that merely rises from the first to the last steps passed even with the advantages zeroed: the
 * first steps happened to draw harder prompts.)
 */
class DemoCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void needsNative() {
        NativeTests.assumeNative();
    }

    @Test
    void demoLearnsWithSftThenGrpoAndWritesItsSummary() throws Exception {
        Path out = dir.resolve("demo");
        Result result = run("demo", "--out", out.toString());
        assertEquals(0, result.code(), result.err());
        String[] lines = result.out().strip().split("\n");
        Path summaryFile = out.toAbsolutePath().resolve("summary.json");
        assertEquals("summary: " + summaryFile, lines[lines.length - 1]);

        JsonNode summary = new ObjectMapper().readTree(summaryFile.toFile());
        double base = summary.get("base_ex").asDouble();
        double sft = summary.get("sft_ex").asDouble();
        double grpo = summary.get("grpo_ex").asDouble();
        assertTrue(sft >= base + 0.3, "SFT EX " + sft + " is not 0.3 above the base model's " + base);
        // EX on the 72 test questions moves in steps of 0.014, and each stage's checkpoint is chosen on the 26
        // validation questions, not on these: GRPO's gain shows in the paired reward below
        assertTrue(grpo >= sft - 0.05, "GRPO EX " + grpo + " fell below SFT's " + sft);
        // paired by step (both runs draw the same prompts), so the noise is that of the per-step difference
        double gain = summary.get("paired_gain_last30").asDouble();
        int n = summary.get("last30_steps").asInt();
        double standardError = summary.get("paired_gain_step_sd").asDouble() / Math.sqrt(n);
        assertTrue(gain > 3 * standardError, "GRPO's reward over the last " + n + " steps beats the frozen policy's by "
                + gain + ", not 3 standard errors (" + standardError + "): " + summary);
        assertTrue(summary.get("seconds").asDouble() > 0);
        assertTrue(Files.size(out.resolve("grpo_reward.png")) > 10_000, "reward curve missing");

        // the GRPO run recorded what a researcher watches, every step
        List<Map<String, Object>> grpoSteps = MetricsLog.read(out.resolve("grpo/metrics.jsonl")).stream()
                .filter(r -> GrpoTrainer.STAGE.equals(r.get(MetricKeys.STAGE))).toList();
        assertEquals(100, grpoSteps.size());
        for (String key : List.of(MetricKeys.REWARD, MetricKeys.rewardComponent("execution"), MetricKeys.TRAIN_SAMPLE_EX,
                MetricKeys.ADVANTAGE_STD, MetricKeys.ZERO_SPREAD_GROUPS, MetricKeys.CLIP_RATIO_HIGH, MetricKeys.ENTROPY,
                MetricKeys.COMPLETION_LENGTH_MEAN, MetricKeys.TOKENS_PER_S_SAMPLE, MetricKeys.TOKENS_PER_S_UPDATE,
                MetricKeys.TIME_SAMPLE_S, MetricKeys.TIME_REWARD_S, MetricKeys.TIME_UPDATE_S, MetricKeys.MEMORY_LORA_BYTES,
                MetricKeys.LOSS, MetricKeys.GRAD_NORM)) {
            assertTrue(grpoSteps.getFirst().get(key) instanceof Number, key + " missing from " + grpoSteps.getFirst());
        }
        assertTrue(Files.size(out.resolve("grpo/samples.jsonl")) > 0);
        for (Map<String, Object> step : grpoSteps) {
            assertTrue(((Number) step.get(MetricKeys.GRAD_NORM)).doubleValue() > 0, "an update without gradient: " + step);
        }

        // a user re-evaluating the demo's adapter with `sqlrl eval` gets the EX the demo reported: eval takes the
        // prompt settings the adapter was trained with (plain prompts, no chat template) from its run's config
        Result eval = run("eval", "--model", out.resolve("model").toString(),
                "--adapter", summary.get("grpo_adapter").asText(), "--data", out.resolve("data").toString(),
                "--out", dir.resolve("eval-grpo").toString());
        assertEquals(0, eval.code(), eval.err());
        String exLine = eval.out().lines().filter(l -> l.startsWith("EX ")).findFirst().orElseThrow();
        double reEvaluated = Double.parseDouble(exLine.split("\\s+")[1]);
        assertEquals(grpo, reEvaluated, 0.02, "sqlrl eval of the demo's GRPO adapter: " + exLine);
        String report = Files.readString(dir.resolve("eval-grpo/report.md"));
        assertTrue(report.contains("chat template") && report.contains("text2sql-single-db-v1"), report);

        // and TensorBoard shows the same curves (tensorboard --logdir on the demo folder)
        for (String stage : List.of("sft", "grpo")) {
            Map<String, SortedMap<Long, Object>> shown = TensorBoardFiles.merged(out.resolve(stage).resolve("tensorboard"));
            shown.remove(TensorBoardEvents.SAMPLES_TAG);
            assertEquals(TensorBoardFiles.nonFiniteAsNaN(TensorBoardFiles.expectedScalars(
                    MetricsLog.read(out.resolve(stage).resolve("metrics.jsonl")))), TensorBoardFiles.nonFiniteAsNaN(shown), stage);
        }
        assertEquals(20, TensorBoardFiles.merged(out.resolve("grpo/tensorboard")).get(TensorBoardEvents.SAMPLES_TAG).size(),
                "GRPO samples every logging.samples_every = 5 of 100 steps");
    }
}
