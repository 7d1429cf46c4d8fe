package dev.sqlrl.data;

import java.util.Locale;
import java.util.Map;

/** Formats {@link DatasetStats} as the human-readable report of `sqlrl data stats`. */
public final class DatasetStatsText {
    private DatasetStatsText() {}

    public static String format(DatasetStats stats) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "dataset   %s (%s, split %s)%n", stats.source(), stats.layout(), stats.split()));
        out.append(String.format(Locale.ROOT, "examples  %d over %d databases%n", stats.examples(), stats.databases()));
        counts(out, "difficulty (dataset labels)", stats.difficulty(), stats.examples());
        counts(out, "hardness (Spider)", stats.hardness(), stats.examples());
        out.append(String.format(Locale.ROOT, "%n%-28s %8s %8s %8s %8s %8s%n", "", "min", "mean", "median", "p90", "max"));
        row(out, "tables per database", stats.tablesPerDatabase());
        row(out, "columns per database", stats.columnsPerDatabase());
        row(out, "gold SQL characters", stats.sqlChars());
        row(out, "gold SQL words", stats.sqlWords());
        row(out, "joins per query", stats.joinsPerQuery());
        if (stats.promptTokens() != null) {
            row(out, "prompt tokens", stats.promptTokens());
        }
        out.append(String.format(Locale.ROOT, "%nqueries with a join       %5.1f%%%n", 100 * stats.withJoin()));
        out.append(String.format(Locale.ROOT, "queries with nesting      %5.1f%%%n", 100 * stats.withNesting()));
        out.append(String.format(Locale.ROOT, "queries with set ops      %5.1f%%%n", 100 * stats.withSetOperation()));
        if (stats.unparsedSql() > 0) {
            out.append(String.format(Locale.ROOT, "gold SQL JSqlParser cannot parse: %d (left out of join/nesting figures)%n",
                    stats.unparsedSql()));
        }
        if (stats.promptTemplate() != null) {
            out.append("prompt template           ").append(stats.promptTemplate()).append('\n');
        }
        out.append(String.format(Locale.ROOT, "%ngold SQL that does not run: %d%n", stats.invalidGold().size()));
        stats.invalidGold().forEach(line -> out.append("  ").append(line).append('\n'));
        if (!stats.missingDatabases().isEmpty()) {
            out.append(String.format(Locale.ROOT, "left out, database missing: %d%n", stats.missingDatabases().size()));
            stats.missingDatabases().forEach(line -> out.append("  ").append(line).append('\n'));
        }
        if (!stats.valueIndexes().isEmpty()) {
            valueIndexes(out, stats);
        }
        return out.toString();
    }

    private static void valueIndexes(StringBuilder out, DatasetStats stats) {
        out.append(String.format(Locale.ROOT, "%nvalue indexes (built once, then read from the cache)%n  %-32s %10s %10s %12s%n",
                "database", "values", "build s", "bytes"));
        long values = 0;
        long bytes = 0;
        double seconds = 0;
        for (var index : stats.valueIndexes()) {
            out.append(String.format(Locale.ROOT, "  %-32s %10d %10.2f %12d%n", index.database(), index.values(),
                    index.buildSeconds(), index.bytes()));
            values += index.values();
            bytes += index.bytes();
            seconds += index.buildSeconds();
        }
        out.append(String.format(Locale.ROOT, "  %-32s %10d %10.2f %12d%n", "total", values, seconds, bytes));
    }

    private static void counts(StringBuilder out, String title, Map<String, Integer> counts, int total) {
        if (counts.isEmpty()) {
            return;
        }
        out.append('\n').append(title).append('\n');
        counts.forEach((label, count) -> out.append(String.format(Locale.ROOT, "  %-12s %6d  %5.1f%%%n", label, count,
                100.0 * count / Math.max(1, total))));
    }

    private static void row(StringBuilder out, String label, Distribution d) {
        out.append(String.format(Locale.ROOT, "%-28s %8.0f %8.1f %8.0f %8.0f %8.0f%n", label, d.min(), d.mean(), d.median(),
                d.p90(), d.max()));
    }
}
