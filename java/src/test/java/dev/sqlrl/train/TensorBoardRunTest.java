package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.DurableFiles;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.train.TrainingStages.Stage;
import dev.sqlrl.train.run.MetricKeys;
import dev.sqlrl.train.run.MetricsLog;
import dev.sqlrl.train.run.SamplesLog;
import dev.sqlrl.train.run.TensorBoardEvents;
import dev.sqlrl.train.run.TensorBoardFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real tiny GRPO run's TensorBoard files hold exactly its metrics.jsonl scalars and its samples, also across a resume. */
class TensorBoardRunTest {
    @TempDir
    Path dir;

    @Test
    void grpoRunKilledAfterAStepAndResumedShowsExactlyItsMetricsAndSamples() throws IOException {
        NativeTests.assumeNative();
        TinyTrainingSetup setup = TinyTrainingSetup.create(dir);
        RunConfig config = setup.config("grpo.steps=3", "grpo.prompts_per_step=2", "grpo.num_generations=2",
                "grpo.micro_batch_size=2", "grpo.grad_accumulation=1", "grpo.max_completion_length=8",
                "eval.every_n_steps=2", "eval.max_examples=2", "eval.max_new_tokens=8", "checkpoint.every_n_steps=2",
                "logging.samples_every=1");
        Path run = dir.resolve("grpo");
        TrainingStages.start(Stage.GRPO, config, run, Optional.empty());
        // as if killed after step 3 was logged but before its checkpoint: the resumed run redoes step 3
        DurableFiles.deleteRecursively(run.resolve("checkpoints").resolve("step-000003"));
        TrainingStages.resume(Stage.GRPO, run, List.of(), Long.MAX_VALUE);

        Path tensorboard = run.resolve("tensorboard");
        assertEquals(2, TensorBoardFiles.eventFiles(tensorboard).size(), "the resumed run appended a second file");
        Map<String, SortedMap<Long, Object>> shown = TensorBoardFiles.merged(tensorboard);
        List<Map<String, Object>> metrics = MetricsLog.read(run.resolve("metrics.jsonl"));
        Map<String, SortedMap<Long, Object>> expected = TensorBoardFiles.expectedScalars(metrics);
        SortedMap<Long, Object> samples = shown.remove(TensorBoardEvents.SAMPLES_TAG);
        assertEquals(TensorBoardFiles.nonFiniteAsNaN(expected), TensorBoardFiles.nonFiniteAsNaN(shown));
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(shown.get(MetricKeys.REWARD).keySet()));
        assertEquals(List.of(2L, 3L), List.copyOf(shown.get(MetricKeys.EVAL_EX).keySet()));

        assertEquals(List.of(1L, 2L, 3L), List.copyOf(samples.keySet()));
        for (Map<String, Object> sample : SamplesLog.read(run.resolve("samples.jsonl"))) {
            String text = (String) samples.get((Long) sample.get("step"));
            assertTrue(text.contains((String) sample.get(SamplesLog.COMPLETION)), text);
            assertTrue(text.contains(String.format(java.util.Locale.ROOT, "reward %.3f",
                    ((Number) sample.get(SamplesLog.REWARD)).doubleValue())), text);
            if (sample.containsKey(SamplesLog.PROMPT)) {
                assertTrue(text.contains((String) sample.get(SamplesLog.PROMPT)), text);
            }
        }
    }
}
