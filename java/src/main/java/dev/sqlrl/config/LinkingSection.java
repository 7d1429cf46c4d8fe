package dev.sqlrl.config;

/** Schema linking: prune the tables a question does not need from large schemas. */
public record LinkingSection(
        @Key(value = "Keep only the tables the question names (a word of the table's name, all words of a column's "
                + "name, or a value it mentions), their foreign-key neighbours and the foreign-key paths between them; "
                + "a question that names none keeps the whole schema.", defaultValue = "false") boolean enabled,
        @Key(value = "Schemas of at most this many tokens (words and punctuation marks of the schema text) are kept "
                + "whole; 0 prunes every schema.", defaultValue = "0", min = 0) int keepWholeBelowTokens) {

    public static LinkingSection defaults() {
        return KeyDefaults.of(LinkingSection.class);
    }
}
