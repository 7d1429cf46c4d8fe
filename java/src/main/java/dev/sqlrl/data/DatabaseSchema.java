package dev.sqlrl.data;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The schema of one database: tables with typed columns, primary keys and foreign keys.
 * Names are kept as the database spells them; look-ups ignore case, as SQLite does.
 */
public record DatabaseSchema(String dbId, List<Table> tables, List<ForeignKey> foreignKeys) {
    public DatabaseSchema {
        tables = List.copyOf(tables);
        foreignKeys = List.copyOf(foreignKeys);
    }

    /** A table, its columns in declaration order, and the names of its primary-key columns. */
    public record Table(String name, List<Column> columns, List<String> primaryKey) {
        public Table {
            columns = List.copyOf(columns);
            primaryKey = List.copyOf(primaryKey);
        }

        public Optional<Column> column(String columnName) {
            return columns.stream().filter(c -> c.name().equalsIgnoreCase(columnName)).findFirst();
        }
    }

    /** A column and its declared type (tables.json types such as {@code number}, or SQLite's declared type). */
    public record Column(String name, String type) {}

    /** {@code fromTable.fromColumn} references {@code toTable.toColumn}. */
    public record ForeignKey(String fromTable, String fromColumn, String toTable, String toColumn) {}

    public Optional<Table> table(String tableName) {
        return tables.stream().filter(t -> t.name().equalsIgnoreCase(tableName)).findFirst();
    }

    public int columnCount() {
        return tables.stream().mapToInt(t -> t.columns().size()).sum();
    }

    /** Foreign keys leaving the given table. */
    public List<ForeignKey> foreignKeysFrom(String tableName) {
        String lower = tableName.toLowerCase(Locale.ROOT);
        return foreignKeys.stream().filter(fk -> fk.fromTable().toLowerCase(Locale.ROOT).equals(lower)).toList();
    }
}
