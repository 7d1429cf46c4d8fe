package dev.sqlrl.config;

/** What a run prints and records besides metrics. */
public record LoggingSection(
        @Key(value = "Record sampled completions with their rewards (samples.jsonl, and TensorBoard's text tab)"
                + " every this many steps (0 never).", min = 0)
                int samplesEvery,
        @Key("Show a progress bar on the terminal.") boolean progress) {

    public static LoggingSection defaults() {
        return new LoggingSection(10, true);
    }
}
