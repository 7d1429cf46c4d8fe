package dev.sqlrl.sql;

import dev.sqlrl.sql.SqlLexer.Token;
import java.nio.file.Path;

/**
 * Identifies a query's result: the database and the SQL with comments dropped, whitespace
 * collapsed and trailing semicolons removed, none of which changes what SQLite computes.
 */
public record QueryCacheKey(Path database, String normalizedSql) {

    public static QueryCacheKey of(Path database, String sql) {
        return new QueryCacheKey(database.toAbsolutePath().normalize(), normalize(sql));
    }

    static String normalize(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        boolean pendingSpace = false;
        for (Token token : SqlLexer.tokenize(sql, SqlLexer.Flavor.SQLITE)) {
            if (token.isTrivia()) {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace && !out.isEmpty()) out.append(' ');
            pendingSpace = false;
            out.append(token.text());
        }
        int end = out.length();
        while (end > 0 && (out.charAt(end - 1) == ';' || out.charAt(end - 1) == ' ')) end--;
        out.setLength(end);
        return out.toString();
    }

}
