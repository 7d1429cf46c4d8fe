package dev.sqlrl.config;

import java.nio.file.Path;

/** The text-to-SQL dataset: where it is, which splits, how examples are ordered and their schemas shown. */
public record DataSection(
        @Key(value = "Dataset folder (Spider, BIRD or JSONL layout). A single .jsonl file holds one split only, so "
                + "training refuses it (it would evaluate on its own training rows); eval and data stats take one.",
                required = true) Path path,
        @Key(value = "Dataset layout; auto detects it from the files in path.", defaultValue = "auto") Layout layout,
        @Key(value = "Split trained on (e.g. train).", defaultValue = "train") String trainSplit,
        @Key(value = "Split evaluated on during training, where the best checkpoint is chosen: a score reported on it is "
                + "optimistic; report final scores on a split never used for choosing.", defaultValue = "dev")
                String evalSplit,
        @Key(value = "Use at most this many training examples (0 uses all).", defaultValue = "0", min = 0) int maxExamples,
        @Key(value = "BIRD only: put each example's evidence (external knowledge) into the prompt.",
                defaultValue = "true") boolean useEvidence,
        @Key("Schema serialization in the prompt.") SchemaSection schema,
        @Key(value = "Order of training examples: off shuffles; easy_to_hard goes by Spider hardness (easy first).",
                defaultValue = "off") Curriculum curriculum,
        @Key(value = "Leave out (and count) the examples whose database file is missing instead of refusing the split "
                + "(Spider's dev ships one database only as a .sql script).", defaultValue = "false", why = "A missing "
                + "database usually means a wrong data.path or an incomplete download, so by default the split stops "
                + "with the missing files named rather than training and scoring on fewer examples unnoticed.") boolean skipMissingDatabases,
        @Key(value = "Gold SQL that does not run in the sandbox (checked once per split, cached): refuse names every such "
                + "query by file:line and stops; skip trains and evaluates without those examples.",
                defaultValue = "refuse", why = "An example whose gold query does not run has no result to compare "
                + "with, so its rewards and its EX would mean nothing; the split stops until it is fixed. skip suits a "
                + "dataset with a few known-broken queries (each is listed).")
                InvalidGold invalidGold) {

    public enum Layout { SPIDER, BIRD, JSONL, AUTO }

    public enum InvalidGold { REFUSE, SKIP }

    public enum Curriculum { OFF, EASY_TO_HARD }

    public static DataSection defaults() {
        return KeyDefaults.of(DataSection.class);
    }
}
