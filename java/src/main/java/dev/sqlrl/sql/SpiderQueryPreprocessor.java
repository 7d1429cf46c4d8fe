package dev.sqlrl.sql;

import dev.sqlrl.sql.SqlLexer.Kind;
import dev.sqlrl.sql.SqlLexer.Token;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rewrites the official Spider evaluator (test-suite-sql-eval, evaluation.py and
 * exec_eval.py) applies before it executes a pair; EX agrees with the official labels only if
 * they are applied the same way, quirks included.
 */
public final class SpiderQueryPreprocessor {

    private static final Pattern CURRENT_YEAR =
            Pattern.compile("YEAR\\s*\\(\\s*CURDATE\\s*\\(\\s*\\)\\s*\\)\\s*", Pattern.CASE_INSENSITIVE);

    private SpiderQueryPreprocessor() {}

    /** evaluate() replaces every occurrence of the substring "value" in a prediction by "1" (case-sensitive). */
    public static String substituteValuePlaceholder(String prediction) {
        return prediction.replace("value", "1");
    }

    /**
     * exec_eval's postprocess and remove_distinct: "> =", "< =", "! =" joined; then only the first
     * statement as sqlparse splits it, without the tokens that read "distinct" in any case.
     */
    public static String forExecution(String sql) {
        String joined = sql.replace("> =", ">=").replace("< =", "<=").replace("! =", "!=");
        StringBuilder out = new StringBuilder(joined.length());
        for (Token token : SqlLexer.tokenize(joined, SqlLexer.Flavor.SQLPARSE)) {
            if (!token.isKeyword("distinct")) out.append(token.text());
            if (token.kind() == Kind.SEMICOLON) break;
        }
        return out.toString();
    }

    /** Row order counts iff the processed gold contains "order by" (one space, any case), as in eval_exec_match. */
    public static boolean orderMatters(String processedGold) {
        return processedGold.toLowerCase(Locale.ROOT).contains("order by");
    }

    /** exec_on_db_ replaces MySQL's YEAR(CURDATE()) by 2020 before running a query. */
    public static String replaceCurrentYear(String sql) {
        return CURRENT_YEAR.matcher(sql).replaceAll("2020");
    }

    /** True when the query has an ORDER BY outside strings and comments (for inputs not in Spider's format). */
    public static boolean hasOrderBy(String sql) {
        List<Token> tokens = SqlLexer.tokenize(sql, SqlLexer.Flavor.SQLITE).stream().filter(t -> !t.isTrivia()).toList();
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).isKeyword("order") && tokens.get(i + 1).isKeyword("by")) return true;
        }
        return false;
    }
}
