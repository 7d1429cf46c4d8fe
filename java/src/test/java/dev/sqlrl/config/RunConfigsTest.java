package dev.sqlrl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.model.Device;
import dev.sqlrl.model.LoraTarget;
import dev.sqlrl.model.WeightMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RunConfigsTest {
    private static final String MINIMAL = """
            model:
              path: model
            data:
              path: data/spider
            """;

    @TempDir Path tmp;

    static Stream<Path> committedConfigs() throws IOException {
        try (Stream<Path> files = Files.list(ConfigFiles.folder())) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void theFourRequiredConfigsAreCommitted() throws IOException {
        List<String> names = committedConfigs().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("demo_cpu.yaml", "sft_spider.yaml", "grpo_spider.yaml", "grpo_bird.yaml")),
                names.toString());
    }

    @ParameterizedTest
    @MethodSource("committedConfigs")
    void committedConfigLoadsAndSurvivesARoundTrip(Path file) throws IOException {
        RunConfig config = RunConfigs.load(file, List.of());
        assertTrue(config.model().path().isAbsolute());
        assertTrue(config.model().path().startsWith(file.toAbsolutePath().normalize().getParent().getParent()),
                "relative to configs/: " + config.model().path());
        assertTrue(config.sft() != null || config.grpo() != null, "a committed config trains something");
        Path resolved = tmp.resolve("config.yaml");
        RunConfigs.writeResolved(config, resolved);
        assertEquals(config, RunConfigs.load(resolved, List.of()));
    }

    @Test
    void demoRunsOnTheCpuWithTheTinyModelAndBothStages() {
        RunConfig demo = RunConfigs.load(ConfigFiles.folder().resolve("demo_cpu.yaml"), List.of());
        assertEquals(Device.CPU, demo.model().device());
        assertEquals(WeightMode.FP32, demo.model().weights());
        assertEquals(DataSection.Layout.JSONL, demo.data().layout());
        assertNotNull(demo.sft());
        // sized for minutes on 2 cores: the demo test runs it whole
        assertTrue(demo.sft().maxSteps() <= 1000 && demo.grpo().steps() <= 100, "few steps");
    }

    @Test
    void denseSamplingTakesAutoAndStillTheBooleansItWasOnceWrittenWith() {
        RunConfig grpo = RunConfigs.load(ConfigFiles.folder().resolve("grpo_spider.yaml"), List.of());
        assertEquals(DenseSamplingSetting.AUTO, grpo.model().denseSampling());
        assertEquals(false, grpo.model().cudaGraphs());
        assertEquals(dev.sqlrl.model.DenseSampling.ON, RunConfigs.load(ConfigFiles.folder().resolve("grpo_spider.yaml"),
                List.of("model.dense_sampling=true")).model().denseSampling().mode());
        assertEquals(dev.sqlrl.model.DenseSampling.OFF, RunConfigs.load(ConfigFiles.folder().resolve("grpo_spider.yaml"),
                List.of("model.dense_sampling=false")).model().denseSampling().mode());
        assertEquals(DenseSamplingSetting.AUTO, ModelSection.defaults().denseSampling());
    }

    @Test
    void grpoSpiderIsQloraOnCudaWithGroupsOfEight() {
        RunConfig grpo = RunConfigs.load(ConfigFiles.folder().resolve("grpo_spider.yaml"), List.of());
        assertEquals(WeightMode.NF4, grpo.model().weights());
        assertEquals(Device.CUDA, grpo.model().device());
        assertEquals(8, grpo.grpo().numGenerations());
        assertEquals(LossType.DAPO, grpo.grpo().lossType());
        assertEquals(0.0, grpo.grpo().beta());
        assertEquals(DataSection.Curriculum.OFF, grpo.data().curriculum());
        assertNull(grpo.sft());
    }

    @Test
    void missingKeysTakeTheirDefaults() {
        RunConfig config = parse(MINIMAL + "grpo: {}\n");
        assertEquals(GrpoSection.defaults(), config.grpo());
        assertEquals(LoraSection.defaults(), config.lora());
        assertEquals(RewardSection.defaults(), config.reward());
        assertNull(config.sft(), "an absent optional section stays absent");
        assertEquals(Path.of("runs").toAbsolutePath(), config.outputDir(), "defaults are relative to the working directory");
    }

    @Test
    void aPartialSectionKeepsTheDefaultsOfItsOtherKeys() {
        RunConfig config = parse(MINIMAL + "grpo:\n  beta: 0.04\n  optimizer:\n    lr: 3e-6\n");
        assertEquals(0.04, config.grpo().beta());
        assertEquals(3e-6, config.grpo().optimizer().lr(), "1e-5 without a dot is YAML 1.1 text, read as a number");
        assertEquals(OptimizerSection.grpoDefaults().schedule(), config.grpo().optimizer().schedule(),
                "GRPO's optimizer defaults, not SFT's");
        assertEquals(GrpoSection.defaults().numGenerations(), config.grpo().numGenerations());
    }

    @Test
    void relativePathsInAFileAreRelativeToItsFolderAndAbsoluteOnesStay() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("configs"));
        Path file = folder.resolve("run.yaml");
        Files.writeString(file, "model:\n  path: ../models/m\ndata:\n  path: /srv/data/spider\n");
        RunConfig config = RunConfigs.load(file, List.of());
        assertEquals(tmp.resolve("models/m").toAbsolutePath(), config.model().path());
        assertEquals(Path.of("/srv/data/spider"), config.data().path());
    }

    @Test
    void overridesReplaceValuesOfEveryType() {
        RunConfig config = parse(MINIMAL + "grpo: {}\n", "grpo.beta=0.02", "grpo.loss_type=bnpo",
                "model.gradient_checkpointing=false", "lora.target_modules=[q_proj, v_proj]", "seed=42",
                "name=ablation", "data.schema.sample_values=0");
        assertEquals(0.02, config.grpo().beta());
        assertEquals(LossType.BNPO, config.grpo().lossType());
        assertFalse(config.model().gradientCheckpointing());
        assertEquals(List.of(LoraTarget.Q, LoraTarget.V), config.lora().targetModules());
        assertEquals(42, config.seed());
        assertEquals("ablation", config.name());
        assertEquals(0, config.data().schema().sampleValues());
    }

    @Test
    void laterOverridesWinAndAKeyOfAnAbsentSectionAddsIt() {
        RunConfig config = parse(MINIMAL, "sft.epochs=1", "sft.epochs=3");
        assertEquals(3, config.sft().epochs());
        assertEquals(SftSection.defaults().microBatchSize(), config.sft().microBatchSize());
    }

    @Test
    void overriddenPathsAreRelativeToTheWorkingDirectory() {
        RunConfig config = RunConfigs.parse(MINIMAL, "run.yaml", tmp, List.of("model.path=elsewhere/model"));
        assertEquals(Path.of("elsewhere/model").toAbsolutePath(), config.model().path());
        assertEquals(tmp.resolve("data/spider"), config.data().path());
    }

    @Test
    void resolvedYamlListsEveryKeyAndReadsBackEqual() {
        RunConfig config = parse(MINIMAL + "sft: {}\ngrpo: {}\n", "grpo.top_p=0.95", "grpo.optimizer.lr=1e-6");
        String yaml = RunConfigs.toYaml(config);
        for (String key : List.of("gradient_checkpointing:", "sample_values:", "target_modules:", "mask_truncated_completions:",
                "instruction_budget:", "keep_best:", "warmup_ratio:", "samples_every:")) {
            assertTrue(yaml.contains(key), key + " missing from\n" + yaml);
        }
        assertEquals(config, RunConfigs.parse(yaml, "resolved.yaml", Path.of("/unused"), List.of()));
    }

    @Test
    void resolvedConfigLeavesAbsentStagesOut() {
        String yaml = RunConfigs.toYaml(parse(MINIMAL + "grpo: {}\n"));
        assertFalse(yaml.contains("sft:"), yaml);
        assertTrue(yaml.contains("grpo:"), yaml);
    }

    @Test
    void anEmptyFileNeedsOnlyTheRequiredPaths() {
        RunConfig config = RunConfigs.parse("", "empty.yaml", tmp, List.of("model.path=m", "data.path=d"));
        assertEquals(RunConfig.defaults().lora(), config.lora());
    }

    private RunConfig parse(String yaml, String... overrides) {
        return RunConfigs.parse(yaml, "test.yaml", tmp, List.of(overrides));
    }
}
