package dev.sqlrl.sql;

import java.util.Optional;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;

/**
 * Parses one SQL statement with JSqlParser on the calling thread, in its simple mode only.
 *
 * <p>Why not {@code CCJSqlParserUtil.parse}: after a simple-mode failure it retries with "complex
 * parsing", whose backtracking is exponential in the nesting depth of a broken query (measured:
 * {@code SELECT (((1 FROM t} took 21 s to reject; it then relies on a 6 s timeout thread). Model
 * completions are often truncated mid-query, so that path would stall reward threads. On the 17,208
 * gold and predicted queries of the Spider sample's official labels, simple mode accepts exactly the
 * same queries as the full retry. Unbalanced parentheses, always a syntax error, are rejected
 * before parsing, and so is what would overflow the parser's stack or take it seconds to fail on
 * ({@link StructureCheck}: nesting depth, CTE count, at most {@link #MAX_CHARS} characters).
 */
public final class SqlParsing {
    /** Ten times the longest Spider or BIRD gold query; a model's completion is far shorter. */
    public static final int MAX_CHARS = 20_000;

    private SqlParsing() {}

    /** The statement, or empty when JSqlParser rejects the text. */
    public static Optional<Statement> parse(String sql) {
        try {
            return Optional.of(parseOrThrow(sql));
        } catch (JSQLParserException e) {
            return Optional.empty();
        }
    }

    /** The statement, or JSqlParser's reason for rejecting the text. */
    public static Statement parseOrThrow(String sql) throws JSQLParserException {
        Optional<String> shape = StructureCheck.rejection(sql, MAX_CHARS);
        if (shape.isPresent()) {
            throw new JSQLParserException(shape.get());
        }
        if (!parenthesesBalance(sql)) {
            throw new JSQLParserException("unbalanced parentheses");
        }
        try {
            CCJSqlParser parser = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(false);
            Statement statement = parser.Statement();
            if (statement == null) {
                throw new JSQLParserException("no statement");
            }
            return statement;
        } catch (JSQLParserException e) {
            throw e;
        } catch (Exception | Error e) {
            // JavaCC's token manager reports lexical errors as an Error (TokenMgrError); both mean "does not parse".
            if (e instanceof VirtualMachineError vmError) {
                throw vmError;
            }
            throw new JSQLParserException(e.getMessage(), e);
        }
    }

    /** Whether every '(' outside string literals and quoted names is closed, in order. */
    static boolean parenthesesBalance(String sql) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '[') {
                quote = ']';
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth < 0) {
                return false;
            }
        }
        return depth == 0 && quote == 0;
    }
}
