package dev.sqlrl.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * SQLite's own judgment of a query, from the program it compiles (EXPLAIN), so that no hand-written
 * tokenizer decides what runs. sqlite-jdbc exposes neither an authorizer nor
 * {@code sqlite3_stmt_readonly} (xerial/sqlite-jdbc#1429), so the same facts are read from the
 * bytecode:
 *
 * <ul>
 *   <li>exactly one query and nothing else: the text must compile as a subquery,
 *       {@code SELECT * FROM (text)}, which SQLite's grammar allows only for one SELECT / VALUES /
 *       WITH ... SELECT, without a second statement or a tail;
 *   <li>read-only: no opcode that writes a database file or its schema;
 *   <li>every function called is on {@link #ALLOWED_FUNCTIONS}: SQLite's core, date/time, math,
 *       JSON and window functions; sqlite-jdbc's add-on functions (replicate, padl, strfilter,
 *       median, ... which crash or stall on hostile sizes), jsonb, load_extension and the
 *       introspection functions are refused.
 * </ul>
 */
final class CompiledQueryCheck {

    static final Set<String> ALLOWED_FUNCTIONS = Set.of(
            // core scalar
            "abs", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "if", "ifnull", "iif", "instr",
            "length", "like", "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif", "octet_length", "printf",
            "quote", "random", "randomblob", "replace", "round", "rtrim", "sign", "substr", "substring", "trim", "typeof",
            "unhex", "unicode", "unistr", "unistr_quote", "unlikely", "upper", "zeroblob", "sqlite_version",
            // date and time
            "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff", "current_date", "current_time",
            "current_timestamp",
            // math
            "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh", "degrees", "exp",
            "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians", "sin", "sinh", "sqrt", "tan",
            "tanh", "trunc",
            // aggregate
            "avg", "count", "group_concat", "string_agg", "sum", "total",
            // window
            "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
            "last_value", "nth_value",
            // JSON (text JSON; the jsonb family is left out)
            "json", "json_array", "json_array_length", "json_error_position", "json_extract", "json_group_array",
            "json_group_object", "json_insert", "json_object", "json_patch", "json_pretty", "json_quote", "json_remove",
            "json_replace", "json_set", "json_type", "json_valid", "->", "->>");

    /** Opcodes that call a function; P4 shows "name(argc)". */
    private static final Set<String> CALLS = Set.of("Function", "PureFunc", "AggStep", "AggStep1", "AggFinal", "AggValue", "AggInverse");

    /** Opcodes that write a database file or its schema, or run other SQL (temporary tables use OpenEphemeral, which is fine). */
    private static final Set<String> WRITES = Set.of(
            "OpenWrite", "VUpdate", "VBegin", "VCreate", "VDestroy", "ParseSchema", "CreateBtree", "Destroy", "Clear",
            "DropTable", "DropIndex", "DropTrigger", "Vacuum", "IncrVacuum", "JournalMode", "Checkpoint", "SqlExec",
            "SetCookie", "LoadAnalysis", "Expire", "TableLock", "Program");

    private CompiledQueryCheck() {}

    /**
     * Empty when SQLite compiles {@code sql} into an allowed read-only query; otherwise the reason.
     *
     * @throws SQLException SQLite's own error for SQL it cannot compile (syntax, unknown table, ...)
     */
    static Optional<String> rejection(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            try (ResultSet program = statement.executeQuery("EXPLAIN SELECT * FROM (\n" + sql + "\n)")) {
                return judge(program);
            } catch (SQLException notASubquery) {
                // Compile the text as it is: its error (syntax, unknown column) is the one to report;
                // when it compiles, it is a statement other than one query.
                statement.executeQuery("EXPLAIN " + sql).close();
                return Optional.of("SQLite does not read this as exactly one SELECT query");
            }
        }
    }

    private static Optional<String> judge(ResultSet program) throws SQLException {
        while (program.next()) {
            String opcode = program.getString("opcode");
            if (WRITES.contains(opcode) || opcode.equals("Transaction") && program.getInt("p2") != 0) {
                return Optional.of("the query would write (SQLite compiles it to " + opcode + ")");
            }
            if (CALLS.contains(opcode)) {
                String call = String.valueOf(program.getString("p4"));
                int paren = call.lastIndexOf('(');
                String name = (paren > 0 ? call.substring(0, paren) : call).toLowerCase(Locale.ROOT);
                if (!ALLOWED_FUNCTIONS.contains(name)) {
                    return Optional.of("the function " + name + "() is not allowed in the sandbox");
                }
            }
        }
        return Optional.empty();
    }
}
