package dev.sqlrl.data;

import dev.sqlrl.UserInputException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Introspects a SQLite file's schema: user tables from sqlite_master, columns, declared types and
 * primary keys from PRAGMA table_info, foreign keys from PRAGMA foreign_key_list. Used when a
 * dataset has no tables.json (a team's own databases).
 */
public final class SqliteSchemaReader {
    private SqliteSchemaReader() {}

    public static DatabaseSchema read(String dbId, Path dbFile) {
        try (Connection connection = ReadOnlySqlite.open(dbFile)) {
            List<String> tableNames = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(
                         "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")) {
                while (rows.next()) {
                    tableNames.add(rows.getString(1));
                }
            }
            List<DatabaseSchema.Table> tables = new ArrayList<>();
            List<DatabaseSchema.ForeignKey> foreignKeys = new ArrayList<>();
            for (String table : tableNames) {
                tables.add(readTable(connection, table));
                foreignKeys.addAll(readForeignKeys(connection, table));
            }
            return new DatabaseSchema(dbId, tables, foreignKeys);
        } catch (SQLException e) {
            throw new UserInputException(dbFile + ": cannot read the schema: " + e.getMessage(), e);
        }
    }

    private static DatabaseSchema.Table readTable(Connection connection, String table) throws SQLException {
        List<DatabaseSchema.Column> columns = new ArrayList<>();
        // pk is the 1-based position of the column within the primary key, 0 when not part of it.
        Map<Integer, String> keyByPosition = new TreeMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT name, type, pk FROM pragma_table_info(?)")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String name = rows.getString(1);
                    columns.add(new DatabaseSchema.Column(name, rows.getString(2) == null ? "" : rows.getString(2)));
                    if (rows.getInt(3) > 0) {
                        keyByPosition.put(rows.getInt(3), name);
                    }
                }
            }
        }
        return new DatabaseSchema.Table(table, columns, List.copyOf(keyByPosition.values()));
    }

    private static List<DatabaseSchema.ForeignKey> readForeignKeys(Connection connection, String table)
            throws SQLException {
        List<DatabaseSchema.ForeignKey> keys = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?) ORDER BY id, seq")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String target = rows.getString(1);
                    String to = rows.getString(3);
                    // "REFERENCES t" without a column means t's primary key.
                    if (to == null) {
                        to = primaryKeyOf(connection, target);
                    }
                    if (to != null) {
                        keys.add(new DatabaseSchema.ForeignKey(table, rows.getString(2), target, to));
                    }
                }
            }
        }
        return keys;
    }

    private static String primaryKeyOf(Connection connection, String table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT name FROM pragma_table_info(?) WHERE pk = 1")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
