package dev.sqlrl.config;

/** Limits of one generated query in the read-only SQL sandbox; the defaults are dev.sqlrl.sql.SandboxLimits.defaults(). */
public record SandboxSection(
        @Key(value = "Wall-clock deadline of one query in milliseconds.", defaultValue = "10000", min = 1) long timeoutMs,
        @Key(value = "Rows a result may have; more makes the query fail.", defaultValue = "100000", min = 1) int maxRows,
        @Key(value = "SQLite virtual-machine instructions one query may run (deterministic, unlike the deadline).",
                defaultValue = "500000000", min = 1000) long instructionBudget) {

    public static SandboxSection defaults() {
        return KeyDefaults.of(SandboxSection.class);
    }
}
