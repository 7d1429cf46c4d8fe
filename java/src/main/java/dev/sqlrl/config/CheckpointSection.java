package dev.sqlrl.config;

/** Adapter checkpoints (PEFT format) in the run folder; training resumes from the latest. */
public record CheckpointSection(
        @Key(value = "Save every this many optimizer steps (0 only at the end).", defaultValue = "100", min = 0)
                int everyNSteps,
        @Key(value = "Keep the newest this many checkpoints.", defaultValue = "3", min = 1) int keepLast,
        @Key(value = "Also keep the checkpoint with the best evaluation execution accuracy.", defaultValue = "true")
                boolean keepBest) {

    public static CheckpointSection defaults() {
        return KeyDefaults.of(CheckpointSection.class);
    }
}
