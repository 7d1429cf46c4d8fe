package dev.sqlrl.train;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.CheckpointSection;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.train.run.CheckpointStore;
import dev.sqlrl.train.run.MetricsRecord;
import dev.sqlrl.train.run.TrainingProgress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The loop both training stages run; a stage gives it only its step. From the start state (the newest complete
 * checkpoint when resuming, else the given adapters or fresh ones) it runs step after step to the end, or to
 * {@code stopAfterStep}:
 * <ol>
 * <li>the step, which records each optimizer update's loss and gradient norm in the non-finite guard;</li>
 * <li>the step's metrics record is written (with memory figures), so a run that stops next still shows it;</li>
 * <li>the guard stops a diverging run (its updates non-finite {@link NonFiniteGuard#DEFAULT_MAX_CONSECUTIVE} times
 *     in a row, counted per optimizer update in both stages);</li>
 * <li>an evaluation every {@code evalEvery} steps and at the last, which picks the best checkpoint;</li>
 * <li>early stopping after {@code earlyStoppingPatience} evaluations without a better EX (0: never);</li>
 * <li>a checkpoint where due (evaluations, checkpoint.every_n_steps, the end, the stop step, an early stop), never
 *     after a step whose updates were all skipped: that step changed nothing, the previous checkpoint stays newest.</li>
 * </ol>
 */
public final class StageLoop {
    /**
     * What one step did.
     *
     * @param metrics        its metrics line (written by the loop, with the memory figures after the step)
     * @param updates        optimizer updates it made or tried
     * @param skippedUpdates those skipped for a non-finite loss or gradient
     * @param shown          what the progress line shows for it (the loop adds EX after an evaluation)
     */
    public record Step(MetricsRecord metrics, int updates, int skippedUpdates, Map<String, String> shown) {
        boolean changedAdapters() {
            return skippedUpdates < updates;
        }
    }

    /** One step of a stage. */
    @FunctionalInterface
    public interface StepFunction {
        /** Runs step {@code step} (1-based), recording every optimizer update in {@code guard}. */
        Step run(long step, NonFiniteGuard guard);
    }

    /**
     * When a stage evaluates and stops.
     *
     * @param evalEvery             evaluate every this many steps (0: only at the last)
     * @param earlyStoppingPatience stop after this many evaluations without a better EX (0: never)
     * @param evalSeedStream        the stage's seed stream for evaluation sampling ({@link Seeds#derive})
     */
    public record Schedule(String stage, long totalSteps, int evalEvery, int earlyStoppingPatience, long evalSeedStream) {}

    private final TrainingRun run;
    private final Policy policy;
    private final Dataset eval;
    private final StageCheckpoints checkpoints;
    private final Schedule schedule;

    public StageLoop(TrainingRun run, Policy policy, Dataset eval, StageCheckpoints checkpoints, Schedule schedule) {
        this.run = run;
        this.policy = policy;
        this.eval = eval;
        this.checkpoints = checkpoints;
        this.schedule = schedule;
    }

    /**
     * The state the stage starts from (restores the checkpoint or loads the adapters) and the logs opened at it. With
     * several ranks, every rank then holds the leader's adapters and optimizer moments.
     */
    public TrainingState start(boolean resume, Optional<Path> initAdapter) {
        TrainingState state = startState(schedule.stage(), schedule.totalSteps(), resume, checkpoints, policy,
                initAdapter, run.config().seed());
        run.ranks().copyAdaptersFromLeader(policy.model());
        run.openLogs(state.step());
        return state;
    }

    /** Runs the steps from {@code state}; {@code started} is the stage's System.nanoTime() at its start. */
    public StageResult run(TrainingState state, long stopAfterStep, StepFunction step, long started) {
        var config = run.config();
        String stage = schedule.stage();
        long totalSteps = schedule.totalSteps();
        NonFiniteGuard guard = new NonFiniteGuard(NonFiniteGuard.DEFAULT_MAX_CONSECUTIVE);
        boolean writes = run.ranks().writes();
        // Every rank takes the same decisions (losses, norms and EX are reduced), so only the leader reports them.
        try (StageEvaluation evaluation = new StageEvaluation(policy, eval, config, run.ranks());
             TrainingProgress progress = writes
                     ? new TrainingProgress(stage, totalSteps, state.step(), config.logging().progress())
                     : TrainingProgress.silent(stage, totalSteps, state.step())) {
            while (state.step() < Math.min(totalSteps, stopAfterStep)) {
                long number = state.step() + 1;
                Step done = step.run(number, guard);
                state = state.afterStep(!done.changedAdapters());
                if (writes) run.metrics().write(done.metrics(), MemoryMetrics.measure(policy.model()));
                guard.stopIfDiverged(number, lastGood(run));

                boolean evaluate = evaluationDue(schedule.evalEvery(), number, totalSteps);
                OptionalDouble score = OptionalDouble.empty();
                if (evaluate) {
                    StageEvaluation.Evaluated evaluated = evaluation.evaluateAt(stage, number,
                            Seeds.derive(config.seed(), schedule.evalSeedStream(), number), state, run, done.shown());
                    state = evaluated.state();
                    score = OptionalDouble.of(evaluated.ex());
                }
                progress.step(number, done.shown());
                boolean stopEarly = evaluate && schedule.earlyStoppingPatience() > 0
                        && state.evalsWithoutImprovement() >= schedule.earlyStoppingPatience();
                if (writes && done.changedAdapters() && (stopEarly
                        || checkpointDue(config.checkpoint(), number, totalSteps, stopAfterStep, evaluate))) {
                    checkpoints.save(state, score);
                }
                if (stopEarly) {
                    if (writes) System.err.printf("%s: stopping early at step %d: %d evaluations without a better EX than %.4f (step %d)%n",
                            stage, number, state.evalsWithoutImprovement(), state.bestScore(), state.bestStep());
                    break;
                }
            }
        }
        // The leader wrote the checkpoints; the others learn which is best from it, once it has.
        byte[] best = run.ranks().fromLeader(writes
                ? checkpoints.bestAdapter().orElseThrow().toString().getBytes(StandardCharsets.UTF_8) : new byte[0]);
        return new StageResult(run.folder().dir(), state, Path.of(new String(best, StandardCharsets.UTF_8)),
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * The state a stage starts from: the newest complete checkpoint when resuming (adapters and optimizer
     * restored), else step 0 with the given adapters or fresh ones from the run seed.
     */
    static TrainingState startState(String stage, long totalSteps, boolean resume, StageCheckpoints checkpoints,
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
     * Whether to checkpoint after {@code step}: at evaluations (their score picks the best), every
     * checkpoint.every_n_steps, at the last step and where the run was asked to stop.
     */
    static boolean checkpointDue(CheckpointSection checkpoint, long step, long totalSteps, long stopAfterStep,
                                 boolean evaluated) {
        int every = checkpoint.everyNSteps();
        return evaluated || (every > 0 && step % every == 0) || step == totalSteps || step == stopAfterStep;
    }

    /** Whether to evaluate after {@code step}: every {@code everyNSteps} (0: never) and at the last step. */
    static boolean evaluationDue(int everyNSteps, long step, long totalSteps) {
        return (everyNSteps > 0 && step % everyNSteps == 0) || step == totalSteps;
    }

    /** A sentence saying which checkpoint a stopped run can be resumed from. */
    static String lastGood(TrainingRun run) {
        CheckpointStore store = run.checkpoints();
        return store.latest().map(c -> "The last good checkpoint is " + c.dir() + " (resume with --resume " + run.folder().dir() + ").")
                .orElse("No checkpoint was written yet.");
    }
}
