package dev.sqlrl.config;

/** Question-aware value retrieval: the database values a question mentions, shown in their column's comment. */
public record ValuesSection(
        @Key(value = "Show the values the question (and evidence) mentions before the sample values, in the column's "
                + "comment as '-- example values: ...' (DDL format only). Each database's text values are indexed once "
                + "with Lucene and cached under sqlrl's cache folder.", defaultValue = "false", why = "Off until it is "
                + "measured to raise execution accuracy; turning it on changes every prompt (the template id records "
                + "it), so adapters trained without it see different prompts.") boolean enabled,
        @Key(value = "Lowest similarity of a value to the question's words that is shown: 1 is an exact mention "
                + "(case, accents and punctuation ignored), less allows misspellings (Levenshtein similarity).",
                defaultValue = "0.85", min = 0, minExclusive = true, max = 1) double minSimilarity,
        @Key(value = "Matched values shown per column at most.", defaultValue = "3", min = 1, max = 20) int perColumn) {

    public ValuesSection withEnabled(boolean on) {
        return new ValuesSection(on, minSimilarity, perColumn);
    }

    public static ValuesSection defaults() {
        return KeyDefaults.of(ValuesSection.class);
    }
}
