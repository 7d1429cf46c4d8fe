package dev.sqlrl.train;

import dev.sqlrl.config.RunConfig;
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

    /** As {@link #start(Stage, RunConfig, Path, Optional)}, stopping (with a checkpoint) after step {@code stopAfterStep}. */
    public static StageResult start(Stage stage, RunConfig config, Path runDir, Optional<Path> initAdapter,
                                    long stopAfterStep) {
        TrainingData data = TrainingData.load(config.data());
        try (TrainingRun run = TrainingRun.create(config, stage.name().toLowerCase(), runDir)) {
            Optional<Path> kept = initAdapter.map(adapter -> run.folder().keepInitialAdapters(adapter));
            return train(stage, run, data, false, kept, stopAfterStep);
        }
    }

    /** Continues the run in {@code runDir} from its newest complete checkpoint, with the config it started with. */
    public static StageResult resume(Stage stage, Path runDir, List<String> overrides, long stopAfterStep) {
        try (TrainingRun run = TrainingRun.resume(runDir, overrides)) {
            TrainingData data = TrainingData.load(run.config().data());
            // Without a complete checkpoint the stage starts over, from the adapters it first started from.
            return train(stage, run, data, true, run.folder().initialAdapters(), stopAfterStep);
        }
    }

    private static StageResult train(Stage stage, TrainingRun run, TrainingData data, boolean resume,
                                     Optional<Path> initAdapter, long stopAfterStep) {
        System.err.println(stage.name().toLowerCase() + ": run folder " + run.folder().dir());
        try (Policy policy = Policy.load(run.config())) {
            return switch (stage) {
                case SFT -> new SftTrainer(run, policy, data.train(), data.eval()).train(resume, initAdapter, stopAfterStep);
                case GRPO -> new GrpoTrainer(run, policy, data.train(), data.eval()).train(resume, initAdapter, stopAfterStep);
            };
        }
    }
}
