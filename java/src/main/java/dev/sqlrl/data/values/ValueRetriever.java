package dev.sqlrl.data.values;

import dev.sqlrl.config.ValuesSection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Question-aware values for the schema text: for one question, the matched values of each column, keyed by
 * {@link #columnKey} ({@code table.column} in lower case), in the order to show them.
 */
public final class ValueRetriever {
    private final ValueIndexCache cache;
    private final ValuesSection settings;

    public ValueRetriever(ValueIndexCache cache, ValuesSection settings) {
        this.cache = cache;
        this.settings = settings;
    }

    public static String columnKey(String table, String column) {
        return (table + "." + column).toLowerCase(Locale.ROOT);
    }

    public List<ValueMatch> matches(Path dbFile, String text) {
        return cache.index(dbFile).search(text, settings.minSimilarity(), settings.perColumn());
    }

    public Map<String, List<String>> valuesByColumn(Path dbFile, String text) {
        return byColumn(matches(dbFile, text));
    }

    /** Matched values by {@link #columnKey}, in the matches' order. */
    public static Map<String, List<String>> byColumn(List<ValueMatch> matches) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (ValueMatch match : matches) {
            out.computeIfAbsent(columnKey(match.table(), match.column()), k -> new ArrayList<>()).add(match.value());
        }
        return out;
    }
}
