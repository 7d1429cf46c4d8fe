package dev.sqlrl.sql;

import dev.sqlrl.sql.SqlLexer.Kind;
import dev.sqlrl.sql.SqlLexer.Token;
import dev.sqlrl.OneLine;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, before anything runs, that SQL is exactly one read-only query: SELECT, VALUES, or WITH
 * ... SELECT, of a shape no parser chokes on ({@link StructureCheck}), naming no refused virtual
 * table. This check exists so that refusals say why, cheaply, in the calling process; it is not the
 * last word: SQLite's own compiler judges the same text again in the sandbox ({@link
 * CompiledQueryCheck}), and only the text this guard found before the first ';' ever reaches SQLite
 * ({@link #statementText}), so where this tokenizer and SQLite's disagree the query fails to compile.
 */
public final class StatementGuard {

    private static final Set<String> QUERY_STARTS = Set.of("SELECT", "VALUES", "WITH");
    private static final Set<String> WRITES_AFTER_WITH = Set.of("INSERT", "UPDATE", "DELETE", "REPLACE");

    /** Eponymous virtual tables that read the database file's pages, the process or the file system. */
    private static final Pattern REFUSED_VIRTUAL_TABLE = Pattern.compile("dbstat|sqlite_dbpage|sqlite_stmt|fsdir|zipfile|sqlar|pragma_\\w*");
    /** The pragma table-valued functions that only describe the schema the model is shown anyway. */
    private static final Set<String> ALLOWED_PRAGMA_TABLES = Set.of(
            "pragma_table_info", "pragma_table_xinfo", "pragma_index_list", "pragma_index_info", "pragma_index_xinfo",
            "pragma_foreign_key_list");

    private StatementGuard() {}

    /** The reason the SQL is refused, or empty when it may run. */
    public static Optional<String> rejection(String sql, int maxSqlChars) {
        if (sql == null || sql.isBlank()) {
            return Optional.of("the query is empty");
        }
        Optional<String> shape = StructureCheck.rejection(sql, maxSqlChars);
        if (shape.isPresent()) return shape;
        if (sql.indexOf('\0') >= 0) {
            // SQLite stops reading at a NUL, so text after it could hide anything.
            return Optional.of("the query contains a NUL character");
        }
        // Anywhere in the text, quoted or not, whatever a tokenizer makes of it: a false alarm in a
        // string literal costs a refusal, a miss would read the file's pages.
        Matcher virtualTable = REFUSED_VIRTUAL_TABLE.matcher(sql.toLowerCase(Locale.ROOT));
        while (virtualTable.find()) {
            if (!ALLOWED_PRAGMA_TABLES.contains(virtualTable.group())) {
                return Optional.of("the virtual table " + virtualTable.group() + " is not allowed in the sandbox");
            }
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

    /**
     * The text before the first ';' outside strings, quoted names and comments, without the comments
     * and blanks that end it: what is handed to SQLite, which judges it again.
     */
    static String statementText(String sql) {
        int end = 0;
        int significantEnd = 0;
        for (Token token : SqlLexer.tokenize(sql, SqlLexer.Flavor.SQLITE)) {
            if (token.kind() == Kind.SEMICOLON) break;
            end += token.text().length();
            if (!token.isTrivia()) significantEnd = end;
        }
        return sql.substring(0, significantEnd);
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
        String oneLine = OneLine.of(text);
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 40) + "...";
    }
}
