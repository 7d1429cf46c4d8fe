package dev.sqlrl.data;

import java.util.Optional;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;

/**
 * Parses one SQL statement with JSqlParser on the calling thread. CCJSqlParserUtil.parse hands each
 * parse to an executor to enforce a timeout; rewards parse thousands of short queries from many
 * threads, so the parser is driven directly here instead.
 */
public final class SqlParsing {
    private SqlParsing() {}

    /** The statement, or empty when JSqlParser rejects the text. */
    public static Optional<Statement> parse(String sql) {
        try {
            CCJSqlParser parser = CCJSqlParserUtil.newParser(sql);
            Statement statement = parser.Statement();
            return Optional.ofNullable(statement);
        } catch (Exception | Error e) {
            // JavaCC's token manager reports lexical errors as an Error (TokenMgrError); both mean "does not parse".
            if (e instanceof VirtualMachineError vmError) {
                throw vmError;
            }
            return Optional.empty();
        }
    }
}
