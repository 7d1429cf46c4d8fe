package dev.sqlrl.config;

/** Limits of one generated query in the read-only SQL sandbox. */
public record SandboxSection(
        @Key(value = "Wall-clock deadline of one query in milliseconds.", min = 1) long timeoutMs,
        @Key(value = "Rows a result may have; more makes the query fail.", min = 1) int maxRows,
        @Key(value = "SQLite virtual-machine instructions one query may run (deterministic, unlike the deadline).",
                min = 1000) long instructionBudget) {

    /** The sandbox's own defaults (dev.sqlrl.sql.SandboxLimits.defaults()). */
    public static SandboxSection defaults() {
        return new SandboxSection(10_000, 100_000, 500_000_000L);
    }
}
