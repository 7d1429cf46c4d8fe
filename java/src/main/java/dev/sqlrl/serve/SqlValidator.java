package dev.sqlrl.serve;

import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.reward.SqlReferences;
import dev.sqlrl.sql.SqlLexer;
import dev.sqlrl.sql.SqlParsing;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.WithItem;

/**
 * The validation layer every SQL passes before it runs: it must parse (JSqlParser, through {@link SqlParsing}),
 * be exactly one SELECT or WITH ... SELECT, and name only tables and columns of the database's schema. Finding
 * the names reuses {@link SqlReferences} (what the schema-grounding reward counts), with the same rules for
 * names the query defines itself (aliases, CTEs) and for double-quoted names SQLite may read as strings.
 * The sandbox checks statements again when it runs them: this layer explains, the sandbox enforces.
 */
public final class SqlValidator {
    private SqlValidator() {}

    public static SqlValidation validate(String sql, DatabaseSchema schema) {
        String text = sql == null ? "" : sql.strip();
        if (text.isEmpty()) return SqlValidation.refused(List.of("no SQL given"));
        if (statementCount(text) > 1) {
            return SqlValidation.refused(List.of("only one statement is allowed, found several separated by ';'"));
        }
        Statement statement;
        try {
            statement = SqlParsing.parseOrThrow(stripTrailingSemicolon(text));
        } catch (JSQLParserException e) {
            return SqlValidation.refused(List.of("syntax error: " + firstLine(e)));
        }
        if (!(statement instanceof Select)) {
            return SqlValidation.refused(List.of(statementKind(statement) + " statements are not allowed: only one SELECT"
                    + " (or WITH ... SELECT) runs"));
        }
        Select select = (Select) statement;
        if (select.getWithItemsList() != null) {
            for (WithItem<?> item : select.getWithItemsList()) {
                if (!(item.getParenthesedStatement() instanceof ParenthesedSelect)) {
                    return SqlValidation.refused(List.of("WITH '" + item.getAliasName() + "' holds no SELECT: only one SELECT"
                            + " (or WITH ... SELECT) runs"));
                }
            }
        }
        List<String> problems;
        try {
            problems = unknownNames(select, schema);
        } catch (RuntimeException e) {
            // JSqlParser's visitor fails on shapes it parses but cannot walk: such a query is not checked, so not run
            return SqlValidation.refused(List.of("the query could not be checked against the schema (" + e.getClass().getSimpleName() + ")"));
        }
        return problems.isEmpty() ? SqlValidation.ok() : SqlValidation.refused(problems);
    }

    private static List<String> unknownNames(Select statement, DatabaseSchema schema) {
        SqlReferences references = SqlReferences.of(statement);
        Set<String> cteColumns = cteColumnNames(statement);
        Set<String> problems = new LinkedHashSet<>();
        for (String table : references.tables()) {
            if (schema.table(table).isEmpty()) problems.add("unknown table '" + table + "'");
        }
        for (SqlReferences.ColumnReference column : references.columns()) {
            if (column.qualifier() == null && cteColumns.contains(column.column())) continue;
            String problem = columnProblem(column, references, schema);
            if (problem != null) problems.add(problem);
        }
        return new ArrayList<>(problems);
    }

    /** Column names a WITH clause declares, as in {@code WITH n(i) AS (...)}: local, not the schema's. */
    private static Set<String> cteColumnNames(Select select) {
        Set<String> names = new HashSet<>();
        if (select.getWithItemsList() == null) return names;
        for (WithItem<?> item : select.getWithItemsList()) {
            if (item.getWithItemList() == null) continue;
            for (SelectItem<?> column : item.getWithItemList()) {
                names.add(column.toString().replaceAll("^[\"`\\[]|[\"`\\]]$", "").toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /** Null when the column is fine or does not count (a name the query defines, a string in double quotes). */
    private static String columnProblem(SqlReferences.ColumnReference column, SqlReferences references,
                                        DatabaseSchema schema) {
        if (column.qualifier() != null) {
            if (references.localNames().contains(column.qualifier())) return null;
            String table = references.aliasToTable().getOrDefault(column.qualifier(), column.qualifier());
            var found = schema.table(table);
            if (found.isEmpty()) {
                return references.tables().contains(table) ? null // already reported as an unknown table
                        : "unknown table or alias '" + column.qualifier() + "' in '" + column.qualifier() + "." + column.column() + "'";
            }
            return found.get().column(column.column()).isPresent() ? null
                    : "unknown column '" + column.column() + "' in table '" + found.get().name() + "'";
        }
        if (references.localNames().contains(column.column())) return null;
        List<DatabaseSchema.Table> queried = references.tables().stream().flatMap(t -> schema.table(t).stream()).toList();
        List<DatabaseSchema.Table> searched = queried.isEmpty() ? schema.tables() : queried;
        if (searched.stream().anyMatch(t -> t.column(column.column()).isPresent())) return null;
        if (column.doubleQuoted()) return null;
        // SQLite's boolean literals parse as column names.
        if (column.column().equals("true") || column.column().equals("false")) return null;
        return "unknown column '" + column.column() + "'" + (queried.isEmpty() ? ""
                : " (not in " + String.join(", ", queried.stream().map(DatabaseSchema.Table::name).toList()) + ")");
    }

    /** Statements in the text: a ';' followed by anything but whitespace and comments starts another. */
    private static int statementCount(String text) {
        List<SqlLexer.Token> tokens = SqlLexer.tokenize(text, SqlLexer.Flavor.SQLITE);
        int count = 1;
        boolean afterSemicolon = false;
        for (SqlLexer.Token token : tokens) {
            if (token.kind() == SqlLexer.Kind.SEMICOLON) {
                afterSemicolon = true;
            } else if (!token.isTrivia() && afterSemicolon) {
                count++;
                afterSemicolon = false;
            }
        }
        return count;
    }

    private static String stripTrailingSemicolon(String text) {
        String t = text;
        while (t.endsWith(";")) t = t.substring(0, t.length() - 1).stripTrailing();
        return t;
    }

    private static String statementKind(Statement statement) {
        String name = statement.getClass().getSimpleName().toUpperCase(Locale.ROOT);
        return switch (name) {
            case "PLAINSELECT", "SELECT" -> "SELECT";
            case "CREATETABLE", "CREATEVIEW", "CREATEINDEX" -> "CREATE";
            default -> name;
        };
    }

    private static String firstLine(JSQLParserException e) {
        String message = String.valueOf(e.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }
}
