package dev.sqlrl.reward;

import dev.sqlrl.data.DatabaseSchema;
import java.util.Optional;
import net.sf.jsqlparser.statement.Statement;

/**
 * Schema-grounding reward: the fraction of the tables and columns a query references that exist in
 * the database's schema. Names the query defines itself (aliases, CTEs) are not counted; a
 * qualified column is looked up in its table, an unqualified one in the query's tables (any table
 * of the schema when the query names none that exist). A query that references nothing scores 0:
 * an answer that never reads the schema is not grounded in it.
 */
public final class SchemaGrounding {
    private SchemaGrounding() {}

    public static double score(Statement statement, DatabaseSchema schema) {
        SqlReferences references = SqlReferences.of(statement);
        int total = 0;
        int existing = 0;
        for (String table : references.tables()) {
            total++;
            existing += schema.table(table).isPresent() ? 1 : 0;
        }
        for (SqlReferences.ColumnReference column : references.columns()) {
            Optional<Boolean> exists = columnExists(column, references, schema);
            if (exists.isPresent()) {
                total++;
                existing += exists.get() ? 1 : 0;
            }
        }
        return total == 0 ? 0.0 : (double) existing / total;
    }

    /** Whether a referenced column exists; empty when the reference does not count (a local name or a string literal). */
    private static Optional<Boolean> columnExists(SqlReferences.ColumnReference column, SqlReferences references,
                                                  DatabaseSchema schema) {
        if (column.qualifier() != null) {
            if (references.localNames().contains(column.qualifier())) {
                return Optional.empty();
            }
            String table = references.aliasToTable().getOrDefault(column.qualifier(), column.qualifier());
            return Optional.of(schema.table(table).flatMap(t -> t.column(column.column())).isPresent());
        }
        boolean inQueryTables = references.tables().stream()
                .anyMatch(table -> schema.table(table).flatMap(t -> t.column(column.column())).isPresent());
        boolean inAnyTable = schema.tables().stream().anyMatch(t -> t.column(column.column()).isPresent());
        boolean queryHasKnownTable = references.tables().stream().anyMatch(table -> schema.table(table).isPresent());
        boolean exists = queryHasKnownTable ? inQueryTables : inAnyTable;
        if (exists) {
            return Optional.of(true);
        }
        if (column.doubleQuoted() || references.localNames().contains(column.column())) {
            return Optional.empty();
        }
        return Optional.of(false);
    }
}
