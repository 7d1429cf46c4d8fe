package dev.sqlrl.config;

/** Adapter checkpoints (PEFT format) in the run folder; training resumes from the latest. */
public record CheckpointSection(
        @Key(value = "Save every this many optimizer steps (0 only at the end).", min = 0) int everyNSteps,
        @Key(value = "Keep the newest this many checkpoints.", min = 1) int keepLast,
        @Key("Also keep the checkpoint with the best evaluation execution accuracy.") boolean keepBest) {

    public static CheckpointSection defaults() {
        return new CheckpointSection(100, 3, true);
    }
}
