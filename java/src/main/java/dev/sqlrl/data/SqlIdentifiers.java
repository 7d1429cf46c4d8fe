package dev.sqlrl.data;

import java.util.regex.Pattern;

/** Writes table and column names so that SQLite reads them back as the same identifiers. */
public final class SqlIdentifiers {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SqlIdentifiers() {}

    /** Always double-quoted (for generated queries). */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** Bare when it is a plain identifier, double-quoted otherwise (for text the model reads). */
    public static String quoteIfNeeded(String identifier) {
        return PLAIN.matcher(identifier).matches() ? identifier : quote(identifier);
    }
}
