package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.config.RunConfig;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import dev.sqlrl.model.safetensors.TensorInfo;
import dev.sqlrl.train.TrainingStages.Stage;
import dev.sqlrl.train.run.Checkpoint;
import dev.sqlrl.train.run.CheckpointStore;
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
 * A model that starts producing NaN: each such step is skipped and recorded, the third in a row stops the
 * run with a message naming the last good checkpoint, which stays the newest, complete and loadable.
 */
class NonFiniteTrainingTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void needsNative() {
        NativeTests.assumeNative();
    }

    @Test
    void nonFiniteStepsAreSkippedThenTheRunStopsWithItsLastGoodCheckpointIntact() throws IOException {
        TinyTrainingSetup setup = TinyTrainingSetup.create(dir);
        RunConfig config = setup.config("sft.max_steps=8", "sft.micro_batch_size=2", "sft.eval_every=0",
                "eval.max_examples=1", "eval.max_new_tokens=4", "checkpoint.every_n_steps=1", "checkpoint.keep_last=1");
        Path run = dir.resolve("run");
        TrainingStages.start(Stage.SFT, config, run, Optional.empty(), 2);

        poison(setup.modelDir().resolve("model.safetensors"), "model.norm.weight");
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> TrainingStages.resume(Stage.SFT, run, List.of(), Long.MAX_VALUE));

        CheckpointStore store = new CheckpointStore(run.resolve("checkpoints"), 1, true);
        Checkpoint latest = store.latest().orElseThrow();
        assertEquals(2, latest.step(), "skipped steps write no checkpoint");
        assertTrue(e.getMessage().contains("step 5") && e.getMessage().contains(latest.dir().toString()), e.getMessage());
        assertTrue(Files.isRegularFile(latest.dir().resolve("adapter/adapter_model.safetensors")));
        List<Map<String, Object>> records = MetricsLog.read(run.resolve("metrics.jsonl"));
        List<Object> skipped = records.stream().filter(r -> SftTrainer.STAGE.equals(r.get(MetricKeys.STAGE)))
                .map(r -> r.get(MetricKeys.SKIPPED)).toList();
        assertEquals(List.of(false, false, true, true, true), skipped);
        assertEquals(null, records.get(records.size() - 1).get(MetricKeys.LOSS), "a NaN loss is written as null");
    }

    /** Rewrites a safetensors file with NaN in the first element of one tensor. */
    private static void poison(Path file, String tensor) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (Map.Entry<String, TensorInfo> entry : f.tensors().entrySet()) {
                float[] values = f.floats(entry.getKey());
                if (entry.getKey().equals(tensor)) {
                    values[0] = Float.NaN;
                }
                writer.addFloats(entry.getKey(), TensorDtype.F32, entry.getValue().shape(), values);
            }
        }
        writer.write(file);
    }
}
