package dev.sqlrl.train;

import dev.sqlrl.config.OptimizerSection;

/**
 * Learning rate per optimizer step: linear warm-up to the peak, then cosine / linear decay to 0 at the
 * last step, or constant (the shapes of transformers' get_*_schedule_with_warmup, except that warm-up
 * starts at peak / (warmup + 1) rather than 0, so the first step is not wasted).
 *
 * @param peak        the rate after warm-up
 * @param warmupSteps steps of linear warm-up
 * @param totalSteps  optimizer steps of the whole stage (decay reaches 0 after the last)
 * @param shape       decay after warm-up
 */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps, OptimizerSection.Schedule shape) {

    public LearningRateSchedule {
        if (!(peak > 0) || !Double.isFinite(peak)) {
            throw new IllegalArgumentException("peak learning rate must be finite and > 0, got " + peak);
        }
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be >= 1, got " + totalSteps);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
    }

    /** The schedule of a stage from its optimizer section (warmup_ratio is taken of totalSteps). */
    public static LearningRateSchedule of(OptimizerSection optimizer, long totalSteps) {
        long warmup = optimizer.warmupSteps() > 0 ? optimizer.warmupSteps()
                : (long) Math.ceil(optimizer.warmupRatio() * totalSteps);
        return new LearningRateSchedule(optimizer.lr(), warmup, totalSteps, optimizer.schedule());
    }

    /** The rate of the {@code step}-th optimizer step, 1-based. */
    public double at(long step) {
        if (step < 1) {
            throw new IllegalArgumentException("steps are 1-based, got " + step);
        }
        // decay is measured in steps already taken (0 for the first), as transformers does
        long taken = step - 1;
        if (taken < warmupSteps) {
            return peak * (double) (taken + 1) / (warmupSteps + 1);
        }
        if (shape == OptimizerSection.Schedule.CONSTANT) {
            return peak;
        }
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (taken - warmupSteps) / decaySteps);
        return switch (shape) {
            case COSINE -> peak * 0.5 * (1 + Math.cos(Math.PI * progress));
            case LINEAR -> peak * (1 - progress);
            case CONSTANT -> peak;
        };
    }
}
