package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.config.RunConfig;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.train.TrainingStages.Stage;
import dev.sqlrl.train.grpo.GrpoTrainer;
import dev.sqlrl.train.run.MetricKeys;
import dev.sqlrl.train.run.MetricsLog;
import dev.sqlrl.train.sft.SftTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped half-way and resumed from its checkpoint gives, on CPU, exactly the losses, rewards and
 * adapters of an uninterrupted run: the optimizer moments, schedule, data position, sampling seeds and
 * LoRA dropout masks all continue where they were.
 */
class ResumeTest {
    @TempDir
    static Path dir;
    private static TinyTrainingSetup setup;

    @BeforeAll
    static void setUp() {
        NativeTests.assumeNative();
        setup = TinyTrainingSetup.create(dir);
    }

    @Test
    void sftResumedAfterAStopEqualsAnUninterruptedRun() throws IOException {
        RunConfig config = setup.config("sft.max_steps=6", "sft.micro_batch_size=2", "sft.grad_accumulation=2",
                "sft.eval_every=0", "eval.max_examples=2", "eval.max_new_tokens=8", "checkpoint.every_n_steps=2",
                "lora.dropout=0.1", "sft.optimizer.warmup_steps=2");
        StageResult whole = TrainingStages.start(Stage.SFT, config, dir.resolve("sft-whole"), Optional.empty());
        StageResult first = TrainingStages.start(Stage.SFT, config, dir.resolve("sft-split"), Optional.empty(), 3);
        assertEquals(3, first.state().step());
        StageResult rest = TrainingStages.resume(Stage.SFT, dir.resolve("sft-split"), List.of(), Long.MAX_VALUE);

        assertEquals(6, rest.state().step());
        assertEquals(series(whole.runDir(), SftTrainer.STAGE, MetricKeys.LOSS),
                series(rest.runDir(), SftTrainer.STAGE, MetricKeys.LOSS));
        assertEquals(series(whole.runDir(), SftTrainer.STAGE, MetricKeys.GRAD_NORM),
                series(rest.runDir(), SftTrainer.STAGE, MetricKeys.GRAD_NORM));
        assertEquals(6, series(rest.runDir(), SftTrainer.STAGE, MetricKeys.LOSS).size(), "one record per step, none repeated");
        assertSameAdapters(whole, rest);

        // The final evaluation's answers are in the run folder, as `sqlrl eval` writes them.
        Path eval = rest.runDir().resolve("evals").resolve("sft-step-000006");
        assertEquals(2, Files.readAllLines(eval.resolve("predictions.jsonl")).size());
        List<String> results = Files.readAllLines(eval.resolve("results.jsonl"));
        assertEquals(2, results.size());
        assertTrue(results.getFirst().contains("\"ex\""), results.getFirst());
        assertTrue(Files.readString(eval.resolve("report.md")).contains("| step | 6 |"));
    }

    @Test
    void grpoResumedAfterAStopEqualsAnUninterruptedRun() throws IOException {
        RunConfig config = setup.config("grpo.steps=4", "grpo.prompts_per_step=2", "grpo.num_generations=2",
                "grpo.micro_batch_size=2", "grpo.grad_accumulation=1", "grpo.num_iterations=2", "grpo.beta=0.05",
                "grpo.max_completion_length=12", "eval.every_n_steps=0", "eval.max_examples=2",
                "eval.max_new_tokens=8", "checkpoint.every_n_steps=1", "lora.dropout=0.1");
        // from SFT'd adapters, so that the policy differs from the reference (the KL term has a gradient)
        Optional<Path> init = Optional.of(TrainingStages.start(Stage.SFT, setup.config("sft.max_steps=4",
                "sft.eval_every=0", "eval.max_examples=1", "eval.max_new_tokens=4", "sft.optimizer.lr=5e-3"),
                dir.resolve("grpo-init"), Optional.empty()).bestAdapter());
        StageResult whole = TrainingStages.start(Stage.GRPO, config, dir.resolve("grpo-whole"), init);
        TrainingStages.start(Stage.GRPO, config, dir.resolve("grpo-split"), init, 2);
        StageResult rest = TrainingStages.resume(Stage.GRPO, dir.resolve("grpo-split"), List.of(), Long.MAX_VALUE);

        for (String metric : List.of(MetricKeys.LOSS, MetricKeys.REWARD, MetricKeys.KL, MetricKeys.ENTROPY, MetricKeys.GRAD_NORM)) {
            assertEquals(series(whole.runDir(), GrpoTrainer.STAGE, metric), series(rest.runDir(), GrpoTrainer.STAGE, metric), metric);
        }
        assertSameAdapters(whole, rest);
    }

    @Test
    void aRunKilledBeforeItsFirstCheckpointResumesFromItsInitialAdapters() throws IOException {
        RunConfig config = setup.config("grpo.steps=2", "grpo.prompts_per_step=2", "grpo.num_generations=2",
                "grpo.micro_batch_size=2", "grpo.grad_accumulation=1", "grpo.max_completion_length=12",
                "eval.every_n_steps=0", "eval.max_examples=2", "eval.max_new_tokens=8", "checkpoint.every_n_steps=1");
        Path sftRun = dir.resolve("killed-init");
        Path init = TrainingStages.start(Stage.SFT, setup.config("sft.max_steps=4", "sft.eval_every=0",
                "eval.max_examples=1", "eval.max_new_tokens=4", "sft.optimizer.lr=5e-3"), sftRun, Optional.empty())
                .bestAdapter();
        StageResult whole = TrainingStages.start(Stage.GRPO, config, dir.resolve("killed-whole"), Optional.of(init));
        Path killed = dir.resolve("killed-split");
        TrainingStages.start(Stage.GRPO, config, killed, Optional.of(init), 1);
        // As if killed before the first checkpoint was complete: none to resume from. The initial adapters'
        // own folder is gone too (the SFT run was cleaned up): the run must not depend on it.
        try (var checkpoints = Files.list(killed.resolve("checkpoints"))) {
            for (Path checkpoint : checkpoints.toList()) deleteTree(checkpoint);
        }
        deleteTree(sftRun);
        StageResult rest = TrainingStages.resume(Stage.GRPO, killed, List.of(), Long.MAX_VALUE);

        assertEquals(series(whole.runDir(), GrpoTrainer.STAGE, MetricKeys.REWARD),
                series(rest.runDir(), GrpoTrainer.STAGE, MetricKeys.REWARD));
        assertEquals(series(whole.runDir(), GrpoTrainer.STAGE, MetricKeys.LOSS),
                series(rest.runDir(), GrpoTrainer.STAGE, MetricKeys.LOSS));
        assertSameAdapters(whole, rest);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static List<Object> series(Path runDir, String stage, String metric) {
        return MetricsLog.read(runDir.resolve("metrics.jsonl")).stream()
                .filter(r -> stage.equals(r.get(MetricKeys.STAGE)))
                .map((Map<String, Object> r) -> r.get(metric))
                .toList();
    }

    private static void assertSameAdapters(StageResult a, StageResult b) throws IOException {
        Path fileA = a.bestAdapter().resolve("adapter_model.safetensors");
        Path fileB = b.bestAdapter().resolve("adapter_model.safetensors");
        assertTrue(Files.isRegularFile(fileA), fileA.toString());
        assertArrayEquals(Files.readAllBytes(fileA), Files.readAllBytes(fileB), "adapters differ: " + fileA + " vs " + fileB);
    }
}
