package dev.sqlrl.config;

/** What a run prints and records besides metrics. */
public record LoggingSection(
        @Key(value = "Record sampled completions with their rewards (samples.jsonl, and TensorBoard's text tab)"
                + " every this many steps (0 never).", defaultValue = "10", min = 0)
                int samplesEvery,
        @Key(value = "Show a progress bar on the terminal.", defaultValue = "true") boolean progress) {

    public static LoggingSection defaults() {
        return KeyDefaults.of(LoggingSection.class);
    }
}
