package dev.sqlrl.config;

import dev.sqlrl.data.SchemaSerializer;

/** How a database schema is written into the prompt. */
public record SchemaSection(
        @Key(value = "Distinct example values shown per column (0 shows none); they help the model match literals.",
                defaultValue = "3", min = 0, max = 20) int sampleValues,
        @Key(value = "Write FOREIGN KEY clauses in the CREATE TABLE statements (compact: column -> table.column).",
                defaultValue = "true") boolean foreignKeys,
        @Key(value = "ddl: CREATE TABLE statements; compact: one line per table, table(column, ...), about a third of "
                + "the tokens, without types or sample values.", defaultValue = "ddl") SchemaSerializer.Format format,
        @Key("Question-aware value retrieval.") ValuesSection values,
        @Key("Schema linking and pruning.") LinkingSection linking,
        @Key(value = "Write BIRD's column and value descriptions (database_description/<table>.csv beside the database "
                + "file) into the column comments, DDL format only; prompts record it as +descriptions in their template "
                + "id. Only databases with those files change: their prompts grow by the descriptions' text (about a "
                + "token per 4 characters), so compare sqlrl data stats --tokenizer with and without --no-descriptions "
                + "against prompt.max_prompt_tokens.", defaultValue = "true")
                boolean descriptions) {

    public static SchemaSection defaults() {
        return KeyDefaults.of(SchemaSection.class);
    }
}
