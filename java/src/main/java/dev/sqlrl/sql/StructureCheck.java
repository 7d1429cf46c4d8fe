package dev.sqlrl.sql;

import dev.sqlrl.sql.SqlLexer.Kind;
import dev.sqlrl.sql.SqlLexer.Token;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A cheap, linear check of a query's shape before any parser sees it (SQLite in the sandbox,
 * JSqlParser in rewards, exact match and hardness), so that what would overflow a parser's stack or
 * explode its compile time is refused with a reason, never by a {@link StackOverflowError}.
 *
 * <p>Depth counts the open parentheses and CASE expressions around a token, plus a run of prefix
 * operators (NOT, -, +, ~), each of which is one level of recursion in both parsers. The text is
 * tokenized with both string-literal rules (SQLite's and the backslash-escaping one) and the larger
 * figure counts, so that a quote one parser reads differently cannot hide nesting. Spider's and
 * BIRD's deepest gold queries nest fewer than 10 levels and use fewer than 10 common table
 * expressions.
 */
public final class StructureCheck {
    public static final int MAX_DEPTH = 64;
    public static final int MAX_COMMON_TABLE_EXPRESSIONS = 32;

    private static final Set<String> PREFIX_OPERATORS = Set.of("NOT", "-", "+", "~");

    private StructureCheck() {}

    /** Why the SQL is refused (too long, too deep, too many CTEs), or empty. */
    public static Optional<String> rejection(String sql, int maxChars) {
        if (sql.length() > maxChars) {
            return Optional.of("the query is " + sql.length() + " characters long; at most " + maxChars + " are accepted");
        }
        for (SqlLexer.Flavor flavor : SqlLexer.Flavor.values()) {
            Optional<String> reason = shapeRejection(SqlLexer.tokenize(sql, flavor));
            if (reason.isPresent()) return reason;
        }
        return Optional.empty();
    }

    private static Optional<String> shapeRejection(List<Token> tokens) {
        int depth = 0;
        int prefixRun = 0;
        int commonTableExpressions = 0;
        Token previous = null;
        for (Token token : tokens) {
            if (token.isTrivia()) continue;
            String word = token.kind() == Kind.WORD || token.kind() == Kind.PUNCTUATION ? token.text().toUpperCase(Locale.ROOT) : "";
            if (word.equals("(") || word.equals("CASE")) depth++;
            else if (word.equals(")") || word.equals("END")) depth = Math.max(0, depth - 1);
            prefixRun = PREFIX_OPERATORS.contains(word) ? prefixRun + 1 : 0;
            if (depth + prefixRun > MAX_DEPTH) {
                return Optional.of("the query nests deeper than " + MAX_DEPTH + " levels (parentheses, CASE, NOT or signs)");
            }
            if (word.equals("(") && previous != null && (previous.isKeyword("AS") || previous.isKeyword("MATERIALIZED"))
                    && ++commonTableExpressions > MAX_COMMON_TABLE_EXPRESSIONS) {
                return Optional.of("the query defines more than " + MAX_COMMON_TABLE_EXPRESSIONS + " common table expressions");
            }
            previous = token;
        }
        return Optional.empty();
    }
}
