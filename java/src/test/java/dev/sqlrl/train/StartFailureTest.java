package dev.sqlrl.train;

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
 * A start that cannot work leaves no run folder behind (trying again must not meet "already exists, resume it"),
 * and its error names what the user gave, not sqlrl's copy of it.
 */
class StartFailureTest {
    @TempDir
    static Path dir;
    private static TinyTrainingSetup setup;
    private static Path rank32Adapter;

    @BeforeAll
    static void setUp() throws IOException {
        NativeTests.assumeNative();
        setup = TinyTrainingSetup.create(dir);
        rank32Adapter = TrainingStages.start(Stage.SFT, setup.config("sft.max_steps=1", "sft.eval_every=0",
                "eval.max_examples=1", "eval.max_new_tokens=2"), dir.resolve("adapter-run"), Optional.empty()).bestAdapter();
    }

    @Test
    void anAdapterOfAnotherRankIsRefusedByItsOwnPathAndNoFolderIsMade() throws IOException {
        Path run = dir.resolve("rank");
        UserInputException e = assertThrows(UserInputException.class, () -> TrainingStages.start(Stage.GRPO,
                setup.config("lora.rank=8", "grpo.steps=1"), run, Optional.of(rank32Adapter)));
        assertTrue(e.getMessage().contains(rank32Adapter.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("init-adapter"), e.getMessage());
        assertFalse(Files.exists(run), "a failed start left " + run);
    }

    @Test
    void aCorruptAdapterIsRefusedByItsOwnPathAndNoFolderIsMade() throws IOException {
        Path corrupt = dir.resolve("corrupt-adapter");
        Files.createDirectories(corrupt);
        for (String name : List.of("adapter_config.json")) Files.copy(rank32Adapter.resolve(name), corrupt.resolve(name));
        Files.write(corrupt.resolve("adapter_model.safetensors"), new byte[] {1, 2, 3});
        Path run = dir.resolve("corrupt");
        UserInputException e = assertThrows(UserInputException.class, () -> TrainingStages.start(Stage.GRPO,
                setup.config("grpo.steps=1"), run, Optional.of(corrupt)));
        assertTrue(e.getMessage().contains(corrupt.toString()), e.getMessage());
        assertFalse(Files.exists(run), "a failed start left " + run);
    }

    @Test
    void aConfigWithoutTheStagesSectionIsRefusedBeforeAnyFolderIsMade() throws IOException {
        RunConfig noSft = RunConfigs.parse("name: x\n", "x.yaml", dir, List.of("model.path=" + setup.modelDir(),
                "data.path=" + dir.resolve("data"), "output_dir=" + dir.resolve("runs")));
        Path run = dir.resolve("no-section");
        UserInputException e = assertThrows(UserInputException.class,
                () -> TrainingStages.start(Stage.SFT, noSft, run, Optional.empty()));
        assertTrue(e.getMessage().contains("sft:"), e.getMessage());
        assertFalse(Files.exists(run));
    }

    @Test
    void aMissingModelFolderIsNamedAsSuch() throws IOException {
        Path run = dir.resolve("no-model");
        UserInputException e = assertThrows(UserInputException.class, () -> TrainingStages.start(Stage.SFT,
                setup.config("model.path=" + dir.resolve("nowhere")), run, Optional.empty()));
        assertTrue(e.getMessage().contains("model folder not found") && e.getMessage().contains("nowhere"), e.getMessage());
        assertFalse(Files.exists(run));
    }
}
