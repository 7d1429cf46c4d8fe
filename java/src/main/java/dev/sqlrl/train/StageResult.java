package dev.sqlrl.train;

import java.nio.file.Path;

/**
 * How a training stage ended.
 *
 * @param runDir      its run folder
 * @param state       the state after its last step
 * @param bestAdapter the adapter folder of its best checkpoint (by evaluation EX), else of its newest
 * @param seconds     wall-clock time of the stage
 */
public record StageResult(Path runDir, TrainingState state, Path bestAdapter, double seconds) {}
