package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.train.TrainingStages.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What --set may change when a run is resumed: what only watches or stores the run (evaluation, checkpoints,
 * logging, threads, moved folders) is applied and recorded in the run's config.yaml; what decides the training
 * itself (step count, schedule, batches, LoRA, data, prompts) is refused in one line, so that a resumed run stays
 * the run it was.
 */
class ResumeOverridesTest {
    @TempDir
    static Path dir;
    private static TinyTrainingSetup setup;

    @BeforeAll
    static void setUp() {
        NativeTests.assumeNative();
        setup = TinyTrainingSetup.create(dir);
    }

    private static RunConfig config() throws IOException {
        return setup.config("sft.max_steps=4", "sft.micro_batch_size=2", "sft.eval_every=0", "eval.max_examples=1",
                "eval.max_new_tokens=4", "checkpoint.every_n_steps=1");
    }

    @Test
    void changingTheStepCountOnResumeIsRefusedInOneLineAndChangesNothing() throws IOException {
        Path run = dir.resolve("steps");
        TrainingStages.start(Stage.SFT, config(), run, Optional.empty(), 2);
        String before = Files.readString(run.resolve("config.yaml"));

        UserInputException e = assertThrows(UserInputException.class,
                () -> TrainingStages.resume(Stage.SFT, run, List.of("sft.max_steps=6"), Long.MAX_VALUE));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("sft.max_steps") && e.getMessage().contains("--adapter"), e.getMessage());
        assertEquals(before, Files.readString(run.resolve("config.yaml")));

        StageResult rest = TrainingStages.resume(Stage.SFT, run, List.of(), Long.MAX_VALUE);
        assertEquals(4, rest.state().step());
        assertEquals(4, rest.state().totalSteps());
        assertFalse(Files.exists(run.resolve("samples.jsonl")), "SFT writes no samples, so it leaves no empty samples.jsonl");
    }

    @Test
    void settingsThatOnlyWatchTheRunMayChangeAndAreRecorded() throws IOException {
        Path run = dir.resolve("watch");
        TrainingStages.start(Stage.SFT, config(), run, Optional.empty(), 2);

        StageResult rest = TrainingStages.resume(Stage.SFT, run, List.of("eval.max_examples=2", "checkpoint.keep_last=5"),
                Long.MAX_VALUE);
        assertEquals(4, rest.state().step());
        RunConfig recorded = RunConfigs.load(run.resolve("config.yaml"), List.of());
        assertEquals(2, recorded.eval().maxExamples());
        assertEquals(5, recorded.checkpoint().keepLast());
    }

    @Test
    void aCheckpointBeyondTheConfiguredStepsIsAOneLineError() throws IOException {
        Path run = dir.resolve("edited");
        TrainingStages.start(Stage.SFT, config(), run, Optional.empty(), 3);
        // a hand-edited config.yaml that ends the run before its newest checkpoint
        Path file = run.resolve("config.yaml");
        Files.writeString(file, Files.readString(file).replace("max_steps: 4", "max_steps: 2"));

        UserInputException e = assertThrows(UserInputException.class,
                () -> TrainingStages.resume(Stage.SFT, run, List.of(), Long.MAX_VALUE));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("step 3") && e.getMessage().contains("2"), e.getMessage());
    }
}
