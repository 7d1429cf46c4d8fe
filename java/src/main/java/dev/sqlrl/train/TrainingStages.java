package dev.sqlrl.train;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.dist.DistributedEnv;
import dev.sqlrl.train.grpo.GrpoTrainer;
import dev.sqlrl.train.sft.SftTrainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Runs a training stage in a new or resumed run folder: loads the data and the policy, trains, closes. */
public final class TrainingStages {
    public enum Stage { SFT, GRPO }

    private TrainingStages() {}

    /** A new run of {@code stage} in {@code runDir} (null: a fresh folder under output_dir). */
    public static StageResult start(Stage stage, RunConfig config, Path runDir, Optional<Path> initAdapter) {
        return start(stage, config, runDir, initAdapter, Long.MAX_VALUE);
    }

    /**
     * As {@link #start(Stage, RunConfig, Path, Optional)}, stopping (with a checkpoint) after step {@code stopAfterStep}.
     * Everything that can be checked before training (the stage's config section, the data, the model, the initial
     * adapters) is checked before the run folder is made; a start that fails before its first step removes the folder,
     * so that trying again does not meet a half-made run.
     */
    public static StageResult start(Stage stage, RunConfig config, Path runDir, Optional<Path> initAdapter,
                                    long stopAfterStep) {
        return start(stage, config, runDir, initAdapter, stopAfterStep, DataParallel.single());
    }

    /**
     * As above, as the rank `env` describes (a launcher's environment; one process when it names none), joining the
     * other ranks with the config's distributed settings.
     */
    public static StageResult start(Stage stage, RunConfig config, Path runDir, Optional<Path> initAdapter,
                                    long stopAfterStep, DistributedEnv env) {
        try (DataParallel ranks = ProcessGroupRanks.join(env, config)) {
            return start(stage, config, runDir, initAdapter, stopAfterStep, ranks);
        }
    }

    /** As above, as one of {@code ranks} (which the caller joined and closes). */
    public static StageResult start(Stage stage, RunConfig config, Path runDir, Optional<Path> initAdapter,
                                    long stopAfterStep, DataParallel ranks) {
        requireSection(stage, config);
        TrainingData data = TrainingData.load(config.data());
        try (Policy policy = Policy.load(config)) {
            // loaded from the user's own folder first, so that a wrong rank or a corrupt file is reported by its name
            initAdapter.ifPresent(policy::loadAdapters);
            TrainingRun run = TrainingRun.create(config, stage.name().toLowerCase(), runDir, ranks);
            try (run) {
                Optional<Path> kept = ranks.writes()
                        ? initAdapter.map(adapter -> run.folder().keepInitialAdapters(adapter)) : initAdapter;
                return train(stage, run, policy, data, false, kept, stopAfterStep);
            } catch (RuntimeException | Error e) {
                if (ranks.writes()) run.folder().removeIfUnused();
                throw e;
            }
        }
    }

    /** Continues the run in {@code runDir} from its newest complete checkpoint, with the config it started with. */
    public static StageResult resume(Stage stage, Path runDir, List<String> overrides, long stopAfterStep) {
        return resume(stage, runDir, overrides, stopAfterStep, DataParallel.single());
    }

    /** As above, as the rank `env` describes, joining the others with the run's distributed settings. */
    public static StageResult resume(Stage stage, Path runDir, List<String> overrides, long stopAfterStep,
                                     DistributedEnv env) {
        try (DataParallel ranks = ProcessGroupRanks.join(env, TrainingRun.resumedConfig(runDir, overrides))) {
            return resume(stage, runDir, overrides, stopAfterStep, ranks);
        }
    }

    /** As above, as one of {@code ranks} (which the caller joined and closes). */
    public static StageResult resume(Stage stage, Path runDir, List<String> overrides, long stopAfterStep,
                                     DataParallel ranks) {
        try (TrainingRun run = TrainingRun.resume(runDir, overrides, ranks)) {
            requireSection(stage, run.config());
            TrainingData data = TrainingData.load(run.config().data());
            try (Policy policy = Policy.load(run.config())) {
                // Without a complete checkpoint the stage starts over, from the adapters it first started from.
                return train(stage, run, policy, data, true, run.folder().initialAdapters(), stopAfterStep);
            }
        }
    }

    private static void requireSection(Stage stage, RunConfig config) {
        boolean present = switch (stage) {
            case SFT -> config.sft() != null;
            case GRPO -> config.grpo() != null;
        };
        if (!present) {
            String name = stage.name().toLowerCase();
            throw new UserInputException("the config has no " + name + ": section, so it does not say how to train " + name
                    + " (add one, e.g. from configs/" + (stage == Stage.SFT ? "sft_spider" : "grpo_spider")
                    + ".yaml; every key has a default)");
        }
    }

    private static StageResult train(Stage stage, TrainingRun run, Policy policy, TrainingData data, boolean resume,
                                     Optional<Path> initAdapter, long stopAfterStep) {
        if (run.ranks().writes()) {
            String ranks = run.ranks().worldSize() > 1 ? " (" + run.ranks().worldSize() + " data-parallel ranks)" : "";
            System.err.println(stage.name().toLowerCase() + ": run folder " + run.folder().dir() + ranks);
        }
        return switch (stage) {
            case SFT -> new SftTrainer(run, policy, data.train(), data.eval()).train(resume, initAdapter, stopAfterStep);
            case GRPO -> new GrpoTrainer(run, policy, data.train(), data.eval()).train(resume, initAdapter, stopAfterStep);
        };
    }
}
