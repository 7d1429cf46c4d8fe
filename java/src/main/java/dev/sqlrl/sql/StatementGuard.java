package dev.sqlrl.sql;

import dev.sqlrl.sql.SqlLexer.Kind;
import dev.sqlrl.sql.SqlLexer.Token;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks, before anything runs, that SQL is exactly one read-only query: SELECT, VALUES, or WITH
 * ... SELECT. The connection is read-only at the SQLite level as well; this check exists so that
 * refusals say why, and so that a second statement can never ride along with the first.
 */
public final class StatementGuard {

    private static final Set<String> QUERY_STARTS = Set.of("SELECT", "VALUES", "WITH");
    private static final Set<String> WRITES_AFTER_WITH = Set.of("INSERT", "UPDATE", "DELETE", "REPLACE");

    private StatementGuard() {}

    /** The reason the SQL is refused, or empty when it may run. */
    public static Optional<String> rejection(String sql, int maxSqlChars) {
        if (sql == null || sql.isBlank()) {
            return Optional.of("the query is empty");
        }
        if (sql.length() > maxSqlChars) {
            return Optional.of("the query is " + sql.length() + " characters long; at most " + maxSqlChars + " are accepted");
        }
        if (sql.indexOf('\0') >= 0) {
            // SQLite stops reading at a NUL, so text after it could hide anything.
            return Optional.of("the query contains a NUL character");
        }
        List<Token> tokens = SqlLexer.tokenize(sql, SqlLexer.Flavor.SQLITE);
        int first = firstNonTrivia(tokens, 0);
        if (first < 0 || tokens.get(first).kind() == Kind.SEMICOLON) {
            return Optional.of("the query holds no statement");
        }
        int semicolon = indexOfKind(tokens, first, Kind.SEMICOLON);
        if (semicolon >= 0) {
            for (int i = semicolon + 1; i < tokens.size(); i++) {
                Token token = tokens.get(i);
                if (!token.isTrivia() && token.kind() != Kind.SEMICOLON) {
                    return Optional.of("only one statement may run, but a second one follows the first ';' (it begins with '"
                            + abbreviate(token.text()) + "')");
                }
            }
        }
        Token start = tokens.get(first);
        String keyword = start.kind() == Kind.WORD ? start.text().toUpperCase(java.util.Locale.ROOT) : null;
        if (keyword == null || !QUERY_STARTS.contains(keyword)) {
            return Optional.of("only SELECT queries may run, but this statement begins with '" + abbreviate(start.text()) + "'");
        }
        if (keyword.equals("WITH")) {
            return writeAfterWith(tokens, first + 1, semicolon < 0 ? tokens.size() : semicolon);
        }
        return Optional.empty();
    }

    /** The main statement of WITH is the first statement keyword outside the parentheses of the CTEs. */
    private static Optional<String> writeAfterWith(List<Token> tokens, int from, int to) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            Token token = tokens.get(i);
            if (token.kind() == Kind.PUNCTUATION && token.text().equals("(")) depth++;
            else if (token.kind() == Kind.PUNCTUATION && token.text().equals(")")) depth--;
            else if (depth == 0 && token.kind() == Kind.WORD) {
                String word = token.text().toUpperCase(java.util.Locale.ROOT);
                if (WRITES_AFTER_WITH.contains(word)) {
                    return Optional.of("only SELECT queries may run, but this WITH statement ends in " + word);
                }
                if (word.equals("SELECT") || word.equals("VALUES")) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty(); // incomplete: SQLite reports the syntax error
    }

    private static int firstNonTrivia(List<Token> tokens, int from) {
        for (int i = from; i < tokens.size(); i++) {
            if (!tokens.get(i).isTrivia()) return i;
        }
        return -1;
    }

    private static int indexOfKind(List<Token> tokens, int from, Kind kind) {
        for (int i = from; i < tokens.size(); i++) {
            if (tokens.get(i).kind() == kind) return i;
        }
        return -1;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 40) + "...";
    }
}
