package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage trained by several data-parallel ranks (threads sharing memory: {@link ThreadRanks}) is the stage one
 * process trains: the same adapters within 1e-5 and the same metrics, with a number of micro-batches that does not
 * divide among the ranks, gradient accumulation, several GRPO iterations and LoRA dropout on. Only rank 0 writes.
 */
class DataParallelTrainingTest {
    @TempDir
    static Path dir;
    private static TinyTrainingSetup setup;

    @BeforeAll
    static void setUp() {
        NativeTests.assumeNative();
        setup = TinyTrainingSetup.create(dir);
    }

    @Test
    void sftOnTwoAndThreeRanksTrainsWhatOneProcessTrains() throws Exception {
        // 3 micro-batches of 2 per step: ranks get 1 and 2 of them, or one each
        RunConfig config = setup.config("sft.max_steps=5", "sft.micro_batch_size=2", "sft.grad_accumulation=3",
                "sft.eval_every=0", "eval.max_examples=5", "eval.max_new_tokens=8", "lora.dropout=0.1");
        StageResult alone = TrainingStages.start(Stage.SFT, config, dir.resolve("sft-1"), Optional.empty());
        for (int world : new int[] {2, 3}) {
            Path runDir = dir.resolve("sft-" + world);
            StageResult split = trainOnRanks(world, ranks -> TrainingStages.start(Stage.SFT, config, runDir,
                    Optional.empty(), Long.MAX_VALUE, ranks));
            assertSameTraining(alone, split, SftTrainer.STAGE, List.of(MetricKeys.LOSS, MetricKeys.GRAD_NORM));
            assertEquals(series(alone.runDir(), "eval", MetricKeys.EVAL_EX), series(split.runDir(), "eval", MetricKeys.EVAL_EX));
            assertTrue(Files.readString(split.runDir().resolve("config.yaml"))
                    .contains("# Trained by " + world + " data-parallel ranks"), "the run's config records its ranks");
        }
    }

    /** The data order and the draws do not depend on the number of ranks, so a run may resume on another number. */
    @Test
    void aRunStoppedOnTwoRanksResumesOnThreeAsIfUninterrupted() throws Exception {
        RunConfig config = setup.config("sft.max_steps=4", "sft.micro_batch_size=2", "sft.grad_accumulation=3",
                "sft.eval_every=0", "eval.max_examples=3", "eval.max_new_tokens=8", "checkpoint.every_n_steps=2");
        StageResult alone = TrainingStages.start(Stage.SFT, config, dir.resolve("resume-1"), Optional.empty());
        Path runDir = dir.resolve("resume-2-3");
        StageResult first = trainOnRanks(2, ranks -> TrainingStages.start(Stage.SFT, config, runDir, Optional.empty(),
                2, ranks));
        assertEquals(2, first.state().step());
        StageResult rest = trainOnRanks(3, ranks -> TrainingStages.resume(Stage.SFT, runDir, List.of(), Long.MAX_VALUE,
                ranks));
        assertEquals(4, rest.state().step());
        assertSameTraining(alone, rest, SftTrainer.STAGE, List.of(MetricKeys.LOSS, MetricKeys.GRAD_NORM));
    }

    @Test
    void grpoOnTwoRanksTrainsWhatOneProcessTrains() throws Exception {
        // 3 prompts x 2 samples, micro-batches of 2, 3 per update: the ranks sample 1 and 2 prompts and take 1 and 2
        // micro-batches of each update
        RunConfig config = setup.config("grpo.steps=3", "grpo.prompts_per_step=3", "grpo.num_generations=2",
                "grpo.micro_batch_size=2", "grpo.grad_accumulation=3", "grpo.num_iterations=2", "grpo.beta=0.05",
                "grpo.max_completion_length=12", "eval.every_n_steps=0", "eval.max_examples=3",
                "eval.max_new_tokens=8", "lora.dropout=0.1", "logging.samples_every=1");
        Optional<Path> init = Optional.of(TrainingStages.start(Stage.SFT, setup.config("sft.max_steps=4",
                "sft.eval_every=0", "eval.max_examples=1", "eval.max_new_tokens=4", "sft.optimizer.lr=5e-3"),
                dir.resolve("grpo-init"), Optional.empty()).bestAdapter());
        StageResult alone = TrainingStages.start(Stage.GRPO, config, dir.resolve("grpo-1"), init);
        Path runDir = dir.resolve("grpo-2");
        StageResult split = trainOnRanks(2, ranks -> TrainingStages.start(Stage.GRPO, config, runDir, init,
                Long.MAX_VALUE, ranks));
        assertSameTraining(alone, split, GrpoTrainer.STAGE, List.of(MetricKeys.LOSS, MetricKeys.REWARD, MetricKeys.KL,
                MetricKeys.ENTROPY, MetricKeys.GRAD_NORM));
        assertEquals(Files.readAllLines(alone.runDir().resolve("samples.jsonl")).size(),
                Files.readAllLines(split.runDir().resolve("samples.jsonl")).size(), "rank 0 logs the whole step's samples");
    }

    @FunctionalInterface
    private interface RankRun {
        StageResult train(DataParallel ranks) throws Exception;
    }

    /** Runs `run` on `world` ranks at once; returns rank 0's result. */
    private static StageResult trainOnRanks(int world, RankRun run) throws Exception {
        List<DataParallel> ranks = ThreadRanks.of(world);
        ExecutorService threads = Executors.newFixedThreadPool(world);
        try {
            List<Future<StageResult>> results = new ArrayList<>();
            for (DataParallel rank : ranks) results.add(threads.submit(() -> run.train(rank)));
            StageResult leader = results.getFirst().get();
            for (Future<StageResult> other : results) {
                assertEquals(leader.state().step(), other.get().state().step());
            }
            return leader;
        } finally {
            threads.shutdownNow();
        }
    }

    private static void assertSameTraining(StageResult alone, StageResult split, String stage, List<String> metrics)
            throws IOException {
        for (String metric : metrics) {
            List<Object> expected = series(alone.runDir(), stage, metric), actual = series(split.runDir(), stage, metric);
            assertEquals(expected.size(), actual.size(), metric);
            assertFalse(expected.isEmpty(), metric);
            for (int i = 0; i < expected.size(); i++) {
                double e = ((Number) expected.get(i)).doubleValue(), a = ((Number) actual.get(i)).doubleValue();
                assertEquals(e, a, 1e-6 * Math.max(1, Math.abs(e)), metric + " at step " + (i + 1));
            }
        }
        AdapterFiles.assertClose(alone.bestAdapter(), split.bestAdapter(), 1e-5);
        try (var files = Files.list(split.runDir().getParent())) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().equals(split.runDir().getFileName().toString()))
                    .count(), "one run folder, rank 0's");
        }
    }

    private static List<Object> series(Path runDir, String stage, String metric) {
        return MetricsLog.read(runDir.resolve("metrics.jsonl")).stream()
                .filter(r -> stage.equals(r.get(MetricKeys.STAGE)))
                .map((Map<String, Object> r) -> r.get(metric))
                .filter(v -> v != null)
                .toList();
    }
}
