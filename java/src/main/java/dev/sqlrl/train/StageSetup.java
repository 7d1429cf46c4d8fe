package dev.sqlrl.train;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.CheckpointSection;
import dev.sqlrl.config.DataSection;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.SpiderHardnessLabels;
import dev.sqlrl.train.run.CheckpointStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the SFT and GRPO stages do alike before their first step. */
public final class StageSetup {
    private static final List<String> HARDNESS_ORDER = List.of("easy", "medium", "hard", "extra");

    private StageSetup() {}

    /**
     * The state a stage starts from: the newest complete checkpoint when resuming (adapters and optimizer
     * restored), else step 0 with the given adapters or fresh ones from the run seed.
     */
    public static TrainingState startState(String stage, long totalSteps, boolean resume, StageCheckpoints checkpoints,
                                           Policy policy, Optional<Path> initAdapter, long seed) {
        if (resume) {
            // adapters must exist before a checkpoint's moments can be written into them
            policy.attachNewAdapters(seed);
            TrainingState state = checkpoints.restoreLatest().orElse(null);
            if (state != null) {
                if (!state.stage().equals(stage)) {
                    throw new UserInputException("cannot resume the " + stage + " stage from a " + state.stage() + " checkpoint");
                }
                if (state.step() > totalSteps || state.totalSteps() != totalSteps) {
                    throw new UserInputException("cannot resume the " + stage + " stage: its newest checkpoint is at step "
                            + state.step() + " of " + state.totalSteps() + ", but the run's config.yaml now asks for "
                            + totalSteps + " steps; put the step count back to " + state.totalSteps());
                }
                System.err.printf("%s: resuming after step %d of %d%n", stage, state.step(), state.totalSteps());
                return state;
            }
            System.err.printf("%s: no complete checkpoint to resume from; starting at step 0%n", stage);
        }
        if (initAdapter.isPresent()) {
            policy.loadAdapters(initAdapter.get());
        } else {
            policy.attachNewAdapters(seed);
        }
        return TrainingState.start(stage, totalSteps);
    }

    /**
     * The order of the stage's training examples ({@code indices}: positions in the dataset of the
     * usable ones): shuffled every epoch, or easy to hard by Spider hardness when data.curriculum asks.
     */
    public static ExampleOrder exampleOrder(RunConfig config, Dataset train, List<Integer> indices) {
        if (config.data().curriculum() == DataSection.Curriculum.EASY_TO_HARD) {
            SpiderHardnessLabels hardness = SpiderHardnessLabels.forDataset(train);
            return ExampleOrder.curriculum(config.seed(), indices, i -> level(hardness, train.examples().get(i)));
        }
        return ExampleOrder.shuffled(config.seed(), indices.size());
    }

    private static int level(SpiderHardnessLabels hardness, Example example) {
        // gold SQL Spider's parser cannot read goes last
        return hardness.apply(example).map(HARDNESS_ORDER::indexOf).orElse(HARDNESS_ORDER.size());
    }

    /**
     * Whether to checkpoint after {@code step}: at evaluations (their score picks the best), every
     * checkpoint.every_n_steps, at the last step and where the run was asked to stop.
     */
    public static boolean checkpointDue(CheckpointSection checkpoint, long step, long totalSteps, long stopAfterStep,
                                        boolean evaluated) {
        int every = checkpoint.everyNSteps();
        return evaluated || (every > 0 && step % every == 0) || step == totalSteps || step == stopAfterStep;
    }

    /** Whether to evaluate after {@code step}: every {@code everyNSteps} (0: never) and at the last step. */
    public static boolean evaluationDue(int everyNSteps, long step, long totalSteps) {
        return (everyNSteps > 0 && step % everyNSteps == 0) || step == totalSteps;
    }

    /** A sentence saying which checkpoint a stopped run can be resumed from. */
    public static String lastGood(TrainingRun run) {
        CheckpointStore store = run.checkpoints();
        return store.latest().map(c -> "The last good checkpoint is " + c.dir() + " (resume with --resume " + run.folder().dir() + ").")
                .orElse("No checkpoint was written yet.");
    }
}
