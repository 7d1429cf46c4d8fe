package dev.sqlrl.config;

import dev.sqlrl.data.SchemaSerializer;

/** How a database schema is written into the prompt. */
public record SchemaSection(
        @Key(value = "Distinct example values shown per column (0 shows none); they help the model match literals.",
                min = 0, max = 20) int sampleValues,
        @Key("Write FOREIGN KEY clauses in the CREATE TABLE statements (compact: column -> table.column).")
                boolean foreignKeys,
        @Key("ddl: CREATE TABLE statements; compact: one line per table, table(column, ...), about a third of the "
                + "tokens, without types or sample values.") SchemaSerializer.Format format,
        @Key("Question-aware value retrieval.") ValuesSection values,
        @Key("Schema linking and pruning.") LinkingSection linking) {

    public static SchemaSection defaults() {
        return new SchemaSection(3, true, SchemaSerializer.Format.DDL, ValuesSection.defaults(), LinkingSection.defaults());
    }
}
