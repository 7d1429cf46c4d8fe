package dev.sqlrl.cli;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.dist.DistributedEnv;
import dev.sqlrl.dist.RankLauncher;
import dev.sqlrl.dist.SelfCommand;
import dev.sqlrl.train.StageResult;
import dev.sqlrl.train.TrainingStages;
import dev.sqlrl.train.TrainingStages.Stage;
import dev.sqlrl.train.run.RunFolder;
import dev.sqlrl.train.run.RunPlots;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sqlrl train sft|grpo}: one training stage from a config, or a resumed one. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl train sft --config configs/sft_spider.yaml --model ~/models/qwen2.5-coder-1.5b --data ~/data/spider",
        "  sqlrl train grpo --resume runs/grpo_spider-grpo-20260101-120000"},
        name = "train", mixinStandardHelpOptions = true, description = "Train LoRA adapters: sft (supervised) or grpo (reinforcement learning).",
        subcommands = {TrainCommand.Sft.class, TrainCommand.Grpo.class})
public final class TrainCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options of both stages. */
    abstract static class StageCommand implements Callable<Integer> {
        private static final String NPROC_PER_NODE = "--nproc-per-node";

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        /**
         * The process environment, where a launcher (torchrun, srun, a --nproc-per-node parent) says which rank this
         * process is; tests give their own, as the JVM's cannot be changed.
         */
        Map<String, String> environment = System.getenv();

        @Option(names = "--config", paramLabel = "FILE", description = "Run configuration (YAML; see configs/README.md); needed unless --resume (default: none).")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Override a config key, e.g. --set grpo.beta=0.04 (repeatable; later ones win).")
        List<String> overrides = new ArrayList<>();

        @Option(names = "--model", paramLabel = "DIR", description = "Base model folder (default: the config's model.path).")
        Path model;

        @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder: Spider, BIRD or train/dev .jsonl files (default: the config's data.path).")
        Path data;

        @Option(names = "--adapter", paramLabel = "DIR",
                description = "Start from these PEFT adapters, e.g. the SFT run's best (default: fresh adapters from the seed).")
        Path adapter;

        @Option(names = "--out", paramLabel = "DIR",
                description = "Run folder to create (default: output_dir/NAME-STAGE-TIMESTAMP).")
        Path out;

        @Option(names = "--resume", paramLabel = "RUN_DIR",
                description = "Continue this run from its newest complete checkpoint, with the config it started with; --set "
                        + "may then change only eval.*, checkpoint.*, logging.*, threads and moved paths (default: a new run).")
        Path resume;

        @Option(names = "--stop-after-steps", paramLabel = "N",
                description = "Stop after step N with a checkpoint (for time-limited jobs); --resume continues the run "
                        + "(default: run to the end).")
        Long stopAfterSteps;

        @Option(names = NPROC_PER_NODE, paramLabel = "N",
                description = "Data-parallel training with N processes (ranks) on this machine, e.g. one per GPU: this command "
                        + "starts them as children with torchrun's variables, prefixes their output with the rank and stops "
                        + "all if one fails; not with an outer launcher such as torchrun (default: 1, in this process).")
        Integer nprocPerNode;

        abstract Stage stage();

        @Override
        public Integer call() {
            if (nprocPerNode != null) {
                if (nprocPerNode < 1) throw new UserInputException(NPROC_PER_NODE + " must be >= 1, got " + nprocPerNode);
                String outerWorldSize = environment.get("WORLD_SIZE");
                if (outerWorldSize != null) {
                    throw new UserInputException(NPROC_PER_NODE + " starts its own ranks; it cannot be combined with an "
                            + "outer launcher (WORLD_SIZE=" + outerWorldSize + " is set)");
                }
                if (nprocPerNode > 1) return launchRanks(nprocPerNode);
            }
            DistributedEnv distributed = DistributedEnv.fromEnvironment(environment);
            StageResult result;
            if (resume != null) {
                if (config != null || model != null || data != null || adapter != null || out != null) {
                    throw new UserInputException("--resume takes the run's own config: give only --set with it");
                }
                result = TrainingStages.resume(stage(), resume, overrides, stopAfter(), distributed);
            } else {
                if (config == null) {
                    throw new UserInputException("give --config FILE (e.g. configs/demo_cpu.yaml) or --resume RUN_DIR");
                }
                List<String> all = new ArrayList<>(overrides);
                if (model != null) all.add("model.path=" + model.toAbsolutePath());
                if (data != null) all.add("data.path=" + data.toAbsolutePath());
                RunConfig runConfig = RunConfigs.load(config, all);
                result = TrainingStages.start(stage(), runConfig, out, Optional.ofNullable(adapter), stopAfter(), distributed);
            }
            // one report per run, not one per rank
            if (!distributed.isRankZero()) return 0;
            RunFolder folder = RunFolder.open(result.runDir());
            List<Path> plots = RunPlots.render(folder.metricsFile(), folder.plotsDir());
            String best = result.state().bestStep() < 0 ? "no evaluation yet"
                    : String.format("best EX %.4f at step %d", result.state().bestScore(), result.state().bestStep());
            System.out.printf("%s: %d of %d steps done (%.0f s); %s%n", stage().name().toLowerCase(),
                    result.state().step(), result.state().totalSteps(), result.seconds(), best);
            System.out.println("plots: " + plots.size() + " PNG files in " + folder.plotsDir());
            System.out.println("best adapter: " + result.bestAdapter());
            System.out.println("run: " + folder.dir());
            return 0;
        }

        /** Becomes the launcher of {@code ranks} copies of this very command, without the option that asked for them. */
        private int launchRanks(int ranks) {
            List<String> args = SelfCommand.withoutOption(spec.root().commandLine().getParseResult().originalArgs(),
                    NPROC_PER_NODE);
            return new RankLauncher(SelfCommand.of(Main.class.getName(), args), ranks, System.out, System.err,
                    RankLauncher.DEFAULT_STOP_GRACE).run();
        }

        private long stopAfter() {
            if (stopAfterSteps != null && stopAfterSteps < 1) {
                throw new UserInputException("--stop-after-steps must be >= 1, got " + stopAfterSteps);
            }
            return stopAfterSteps == null ? Long.MAX_VALUE : stopAfterSteps;
        }
    }

    @Command(
            footer = {"",
            "Example:",
            "  sqlrl train sft --config configs/sft_spider.yaml --model ~/models/qwen2.5-coder-1.5b --data ~/data/spider --set sft.max_steps=400"},
            name = "sft", mixinStandardHelpOptions = true,
            description = "Supervised fine-tuning on the gold SQL (completion-only loss), with EX evaluation.")
    static final class Sft extends StageCommand {
        @Override
        Stage stage() {
            return Stage.SFT;
        }
    }

    @Command(
            footer = {"",
            "Example:",
            "  sqlrl train grpo --config configs/grpo_spider.yaml --model ~/models/qwen2.5-coder-1.5b --data ~/data/spider --adapter runs/sft_spider-sft-X/checkpoints/step-000400/adapter"},
            name = "grpo", mixinStandardHelpOptions = true,
            description = "GRPO: sample SQL, reward it by running it, update the adapters.")
    static final class Grpo extends StageCommand {
        @Override
        Stage stage() {
            return Stage.GRPO;
        }
    }
}
