package dev.sqlrl.train.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.model.NativeTests;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.train.TinyTrainingSetup;
import dev.sqlrl.train.TrainingStages;
import dev.sqlrl.train.TrainingStages.Stage;
import dev.sqlrl.train.run.MetricKeys;
import dev.sqlrl.train.run.MetricsLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grpo.dynamic_sampling in a real run: the tiny random model answers every question alike (no SQL, reward 0), so
 * every group is flat, every extra round is sampled, and the step still trains on prompts_per_step groups.
 */
class DynamicSamplingRunTest {
    @TempDir
    Path dir;

    @Test
    void flatStepsSampleTheirExtraRoundsAndLogWhatWasDropped() throws IOException {
        NativeTests.assumeNative();
        TinyTrainingSetup setup = TinyTrainingSetup.create(dir);
        RunConfig config = setup.config("grpo.steps=2", "grpo.prompts_per_step=2", "grpo.num_generations=2",
                "grpo.micro_batch_size=2", "grpo.grad_accumulation=2", "grpo.max_completion_length=6",
                "grpo.dynamic_sampling=true", "grpo.dynamic_sampling_max_draws=2", "eval.every_n_steps=0",
                "checkpoint.every_n_steps=2");
        Path run = dir.resolve("grpo");
        TrainingStages.start(Stage.GRPO, config, run, Optional.empty());
        List<Map<String, Object>> steps = MetricsLog.read(run.resolve("metrics.jsonl")).stream()
                .filter(line -> "grpo".equals(line.get("stage"))).toList();
        assertEquals(2, steps.size());
        for (Map<String, Object> step : steps) {
            int dropped = ((Number) step.get(MetricKeys.DYNAMIC_DROPPED_GROUPS)).intValue();
            int extra = ((Number) step.get(MetricKeys.DYNAMIC_EXTRA_PROMPTS)).intValue();
            int rounds = ((Number) step.get(MetricKeys.DYNAMIC_ROUNDS)).intValue();
            double flat = ((Number) step.get(MetricKeys.ZERO_SPREAD_GROUPS)).doubleValue();
            assertTrue(rounds >= 0 && rounds <= 2, step.toString());
            // every group sampled is either trained on or set aside; a flat trained group was a set-aside one
            assertTrue(dropped >= Math.round(flat * 2), step.toString());
            assertEquals(2 + extra, dropped + Math.round((1 - flat) * 2), step.toString());
            assertTrue(rounds == 0 || extra > 0, step.toString());
            assertEquals(1, ((Number) step.get(MetricKeys.UPDATES)).intValue(), "2 groups x 2 samples: one update of 2 x 2");
        }
    }

    @Test
    void withDynamicSamplingOffItsKeysAreNotWritten() throws IOException {
        NativeTests.assumeNative();
        TinyTrainingSetup setup = TinyTrainingSetup.create(dir);
        RunConfig config = setup.config("grpo.steps=1", "grpo.prompts_per_step=2", "grpo.num_generations=2",
                "grpo.micro_batch_size=2", "grpo.grad_accumulation=2", "grpo.max_completion_length=6",
                "eval.every_n_steps=0", "checkpoint.every_n_steps=1");
        Path run = dir.resolve("grpo");
        TrainingStages.start(Stage.GRPO, config, run, Optional.empty());
        Map<String, Object> step = MetricsLog.read(run.resolve("metrics.jsonl")).stream()
                .filter(line -> "grpo".equals(line.get("stage"))).findFirst().orElseThrow();
        assertFalse(step.containsKey(MetricKeys.DYNAMIC_DROPPED_GROUPS), step.toString());
    }
}
