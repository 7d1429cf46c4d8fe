package dev.sqlrl.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.demo.company.CompanyDataset;
import dev.sqlrl.eval.EvaluationReport;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.init.ModelInitializer;
import dev.sqlrl.model.init.ModelSize;
import dev.sqlrl.train.Policy;
import dev.sqlrl.train.StageEvaluation;
import dev.sqlrl.train.StageResult;
import dev.sqlrl.train.TrainingData;
import dev.sqlrl.train.TrainingStages;
import dev.sqlrl.train.TrainingStages.Stage;
import dev.sqlrl.train.grpo.GrpoTrainer;
import dev.sqlrl.train.run.MetricKeys;
import dev.sqlrl.train.run.MetricsLog;
import dev.sqlrl.train.run.RunPlots;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CPU demo: on the built-in company database, a tiny model made here is evaluated untrained, after
 * SFT and after GRPO, with everything it needs shipped in the jar (config, data generator, tokenizer
 * corpus). GRPO runs twice from the same SFT adapter, seed and prompts: as configured, and with the policy
 * frozen (learning rate ~0), so that the reward the real run gains is measured against the noise of the
 * prompts it happened to draw. Writes summary.json with the accuracies and both reward curves' means.
 */
public final class CpuDemo {
    /** The demo's configuration, a copy of configs/demo_cpu.yaml bundled as a resource. */
    public static final String CONFIG_RESOURCE = "/configs/demo_cpu.yaml";
    /** Large enough that every name of the company database is one or two tokens. */
    public static final int TOKENIZER_VOCAB = 2048;

    private final Path dir;
    private final List<String> overrides;

    public CpuDemo(Path dir, List<String> overrides) {
        this.dir = dir.toAbsolutePath();
        this.overrides = List.copyOf(overrides);
    }

    /** Learning rate of the frozen GRPO run: the config needs one above 0; this one moves no weight measurably. */
    static final double FROZEN_LR = 1e-12;
    /** The share of GRPO steps, at the end, whose mean reward compares the real run with the frozen one. */
    static final double LAST_SHARE = 0.3;

    /**
     * The real run's reward minus the frozen run's, step by step, over the last {@link #LAST_SHARE} of the steps.
     * Both runs draw the same prompts at the same step, so the difference is free of how hard a step's prompts
     * happened to be: its per-step standard deviation is the noise a gain must stand out from.
     *
     * @param real   mean reward of the real run over those steps
     * @param frozen mean reward of the frozen run over those steps
     * @param stepSd standard deviation of the per-step difference
     */
    public record PairedGain(double real, double frozen, double stepSd, int steps) {
        public double gain() {
            return real - frozen;
        }

        /** The gain in standard errors of its mean. */
        public double standardErrors() {
            return gain() / (stepSd / Math.sqrt(steps));
        }
    }

    /** Scores of the demo, as written to summary.json. */
    public record Summary(double baseEx, double sftEx, double grpoEx, double rewardFirst, double rewardLast,
                          PairedGain paired, double seconds, int testExamples, Path sftRun,
                          Path grpoRun, Path frozenRun, Path sftAdapter, Path grpoAdapter, Path rewardPlot) {}

    public Summary run() {
        long started = System.nanoTime();
        Path dataDir = dir.resolve("data");
        Path modelDir = dir.resolve("model");
        System.err.println("demo: writing the company database and its questions to " + dataDir);
        CompanyDataset.Written data = CompanyDataset.write(dataDir, 7);
        System.err.println("demo: creating a tiny model (tokenizer trained on the demo's text) in " + modelDir);
        ModelInitializer.create(new ModelInitializer.Options(ModelConfig.Architecture.QWEN2, ModelSize.TINY, modelDir,
                data.tokenizerCorpus(), TOKENIZER_VOCAB, 7));
        RunConfig config = config(modelDir, dataDir);

        double baseEx = evaluate(config, Optional.empty(), "base model");
        StageResult sft = TrainingStages.start(Stage.SFT, config, dir.resolve("sft"), Optional.empty());
        double sftEx = evaluate(config, Optional.of(sft.bestAdapter()), "after SFT");
        StageResult grpo = TrainingStages.start(Stage.GRPO, config, dir.resolve("grpo"), Optional.of(sft.bestAdapter()));
        double grpoEx = evaluate(config, Optional.of(grpo.bestAdapter()), "after GRPO");
        System.err.println("demo: GRPO again with the policy frozen (learning rate ~0), the baseline its reward is compared with");
        RunConfig frozenConfig = RunConfigs.parse(RunConfigs.toYaml(config), "demo", dir,
                List.of("grpo.optimizer.lr=" + FROZEN_LR, "eval.every_n_steps=0"));
        StageResult frozen = TrainingStages.start(Stage.GRPO, frozenConfig, dir.resolve("grpo-frozen"),
                Optional.of(sft.bestAdapter()));

        List<Double> rewards = rewardCurve(grpo.runDir().resolve("metrics.jsonl"));
        int tenth = Math.max(1, rewards.size() / 10);
        List<Path> plots = RunPlots.render(grpo.runDir().resolve("metrics.jsonl"), grpo.runDir().resolve("plots"));
        Path rewardPlot = dir.resolve("grpo_reward.png");
        copyRewardPlot(plots, rewardPlot);
        Summary summary = new Summary(baseEx, sftEx, grpoEx, mean(rewards.subList(0, tenth)),
                mean(rewards.subList(rewards.size() - tenth, rewards.size())),
                paired(rewards, rewardCurve(frozen.runDir().resolve("metrics.jsonl"))), (System.nanoTime() - started) / 1e9,
                testData(config).eval().examples().size(), sft.runDir(), grpo.runDir(), frozen.runDir(),
                sft.bestAdapter(), grpo.bestAdapter(), rewardPlot);
        write(summary, dir.resolve("summary.json"));
        return summary;
    }

    /** The demo's config as bundled in the jar (configs/demo_cpu.yaml). */
    public static String bundledConfigYaml() {
        try (InputStream in = CpuDemo.class.getResourceAsStream(CONFIG_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + CONFIG_RESOURCE + ": rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RunConfig config(Path modelDir, Path dataDir) {
        String yaml = bundledConfigYaml();
        List<String> all = new ArrayList<>();
        all.add("model.path=" + modelDir);
        all.add("data.path=" + dataDir);
        all.add("output_dir=" + dir);
        all.addAll(overrides);
        return RunConfigs.parse(yaml, "demo_cpu.yaml (built in)", dir, all);
    }

    /** The run's data with the test split as its evaluation split. */
    private TrainingData testData(RunConfig config) {
        return TrainingData.load(testConfig(config).data());
    }

    private RunConfig testConfig(RunConfig config) {
        return RunConfigs.parse(RunConfigs.toYaml(config), "demo", dir,
                List.of("eval.max_examples=0", "data.eval_split=" + CompanyDataset.TEST_SPLIT));
    }

    /** EX on the whole test split, with the given adapters or none (the base model). */
    private double evaluate(RunConfig config, Optional<Path> adapter, String label) {
        RunConfig whole = testConfig(config);
        TrainingData data = TrainingData.load(whole.data());
        try (Policy policy = Policy.load(whole)) {
            if (adapter.isPresent()) {
                policy.loadAdapters(adapter.get());
            } else {
                policy.attachNewAdapters(whole.seed());
            }
            long start = System.nanoTime();
            EvaluationReport report;
            try (StageEvaluation evaluation = new StageEvaluation(policy, data.eval(), whole)) {
                report = evaluation.run(whole.seed());
            }
            System.err.printf("demo: EX %s: %.3f (%d test questions, %.0f s)%n", label, report.ex(),
                    report.results().size(), (System.nanoTime() - start) / 1e9);
            return report.ex();
        }
    }

    private static List<Double> rewardCurve(Path metricsFile) {
        List<Double> rewards = new ArrayList<>();
        for (Map<String, Object> record : MetricsLog.read(metricsFile)) {
            if (GrpoTrainer.STAGE.equals(record.get(MetricKeys.STAGE)) && record.get(MetricKeys.REWARD) instanceof Number n) {
                rewards.add(n.doubleValue());
            }
        }
        if (rewards.isEmpty()) {
            throw new IllegalStateException(metricsFile + " holds no GRPO reward");
        }
        return rewards;
    }

    private static void copyRewardPlot(List<Path> plots, Path target) {
        plots.stream().filter(p -> p.getFileName().toString().startsWith("reward")).findFirst().ifPresent(p -> {
            try {
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + p + " to " + target, e);
            }
        });
    }

    static PairedGain paired(List<Double> real, List<Double> frozen) {
        if (real.size() != frozen.size()) {
            throw new IllegalStateException("the real and frozen GRPO runs have " + real.size() + " and " + frozen.size()
                    + " steps");
        }
        int n = Math.max(2, (int) Math.round(real.size() * LAST_SHARE));
        int from = real.size() - n;
        List<Double> differences = new ArrayList<>();
        for (int i = from; i < real.size(); i++) differences.add(real.get(i) - frozen.get(i));
        double meanDifference = mean(differences);
        double variance = differences.stream().mapToDouble(d -> (d - meanDifference) * (d - meanDifference)).sum() / (n - 1);
        return new PairedGain(mean(real.subList(from, real.size())), mean(frozen.subList(from, frozen.size())),
                Math.sqrt(variance), n);
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static void write(Summary s, Path file) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("base_ex", s.baseEx());
        json.put("sft_ex", s.sftEx());
        json.put("grpo_ex", s.grpoEx());
        json.put("reward_first", s.rewardFirst());
        json.put("reward_last", s.rewardLast());
        json.put("reward_last30", s.paired().real());
        json.put("frozen_reward_last30", s.paired().frozen());
        json.put("paired_gain_last30", s.paired().gain());
        json.put("paired_gain_step_sd", s.paired().stepSd());
        json.put("last30_steps", s.paired().steps());
        json.put("seconds", s.seconds());
        json.put("test_examples", s.testExamples());
        json.put("sft_run", s.sftRun().toString());
        json.put("grpo_run", s.grpoRun().toString());
        json.put("frozen_grpo_run", s.frozenRun().toString());
        json.put("sft_adapter", s.sftAdapter().toString());
        json.put("grpo_adapter", s.grpoAdapter().toString());
        json.put("reward_plot", s.rewardPlot().toString());
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
