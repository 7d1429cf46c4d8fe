package dev.sqlrl.config;

import java.nio.file.Path;

/** The text-to-SQL dataset: where it is, which splits, how examples are ordered and their schemas shown. */
public record DataSection(
        @Key("Dataset folder (Spider, BIRD or JSONL layout). A single .jsonl file holds one split only, so training "
                + "refuses it (it would evaluate on its own training rows); eval and data stats take one.") Path path,
        @Key("Dataset layout; auto detects it from the files in path.") Layout layout,
        @Key("Split trained on (e.g. train).") String trainSplit,
        @Key("Split evaluated on during training, where the best checkpoint is chosen: a score reported on it is "
                + "optimistic; report final scores on a split never used for choosing.") String evalSplit,
        @Key(value = "Use at most this many training examples (0 uses all).", min = 0) int maxExamples,
        @Key("BIRD only: put each example's evidence (external knowledge) into the prompt.") boolean useEvidence,
        @Key("Schema serialization in the prompt.") SchemaSection schema,
        @Key("Order of training examples: off shuffles; easy_to_hard goes by Spider hardness (easy first).")
                Curriculum curriculum,
        @Key("Leave out (and count) the examples whose database file is missing instead of refusing the split "
                + "(Spider's dev ships one database only as a .sql script).") boolean skipMissingDatabases,
        @Key("Gold SQL that does not run in the sandbox (checked once per split, cached): refuse names every such "
                + "query by file:line and stops; skip trains and evaluates without those examples.") InvalidGold invalidGold) {

    public enum Layout { SPIDER, BIRD, JSONL, AUTO }

    public enum InvalidGold { REFUSE, SKIP }

    public enum Curriculum { OFF, EASY_TO_HARD }

    public static DataSection defaults() {
        return new DataSection(null, Layout.AUTO, "train", "dev", 0, true, SchemaSection.defaults(), Curriculum.OFF,
                false, InvalidGold.REFUSE);
    }
}
