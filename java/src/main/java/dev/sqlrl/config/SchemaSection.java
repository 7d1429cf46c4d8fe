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
        @Key("Schema linking and pruning.") LinkingSection linking,
        @Key("Write BIRD's column and value descriptions (database_description/<table>.csv beside the database file) "
                + "into the column comments, DDL format only; prompts record it as +descriptions in their template id. "
                + "Only databases with those files change: their prompts grow by the descriptions' text (about a "
                + "token per 4 characters), so compare sqlrl data stats --tokenizer with and without --no-descriptions "
                + "against prompt.max_prompt_tokens.")
                boolean descriptions) {

    public static SchemaSection defaults() {
        return new SchemaSection(3, true, SchemaSerializer.Format.DDL, ValuesSection.defaults(), LinkingSection.defaults(),
                true);
    }
}
