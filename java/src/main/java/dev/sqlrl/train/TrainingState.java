package dev.sqlrl.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a training stage stands, saved in every checkpoint (trainer_state.json). Everything random is
 * derived from (seed, step), so together with the adapters and the optimizer moments this is all a
 * resumed run needs to continue exactly.
 *
 * @param stage                   "sft" or "grpo"
 * @param step                    training steps completed
 * @param totalSteps              steps the stage runs in all
 * @param bestScore               best evaluation execution accuracy so far, or -1 before any evaluation
 * @param bestStep                the step that reached it, or -1
 * @param evalsWithoutImprovement evaluations since the best (early stopping counts them)
 * @param skippedSteps            steps skipped for non-finite loss or gradients so far
 */
public record TrainingState(String stage, long step, long totalSteps, double bestScore, long bestStep,
                            int evalsWithoutImprovement, int skippedSteps) {
    public static final String FILE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static TrainingState start(String stage, long totalSteps) {
        return new TrainingState(stage, 0, totalSteps, -1, -1, 0, 0);
    }

    public TrainingState afterStep(boolean skipped) {
        return new TrainingState(stage, step + 1, totalSteps, bestScore, bestStep, evalsWithoutImprovement,
                skippedSteps + (skipped ? 1 : 0));
    }

    /**
     * After an evaluation that scored {@code score}: a new best resets the early-stopping count; a tie with the best
     * makes this (later, longer-trained) step the best without counting as an improvement.
     */
    public TrainingState afterEvaluation(double score) {
        if (score > bestScore) {
            return new TrainingState(stage, step, totalSteps, score, step, 0, skippedSteps);
        }
        if (score == bestScore) {
            return new TrainingState(stage, step, totalSteps, bestScore, step, evalsWithoutImprovement + 1, skippedSteps);
        }
        return new TrainingState(stage, step, totalSteps, bestScore, bestStep, evalsWithoutImprovement + 1, skippedSteps);
    }

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public static TrainingState read(Path file) {
        try {
            return JSON.readValue(file.toFile(), TrainingState.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the training state " + file + ": " + e.getMessage(), e);
        }
    }
}
