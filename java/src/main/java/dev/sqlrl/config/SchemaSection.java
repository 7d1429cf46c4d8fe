package dev.sqlrl.config;

/** How a database schema is written into the prompt. */
public record SchemaSection(
        @Key(value = "Distinct example values shown per column (0 shows none); they help the model match literals.",
                min = 0, max = 20) int sampleValues,
        @Key("Write FOREIGN KEY clauses in the CREATE TABLE statements.") boolean foreignKeys) {

    public static SchemaSection defaults() {
        return new SchemaSection(3, true);
    }
}
