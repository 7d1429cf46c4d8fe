package dev.sqlrl.demo.company;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every row of every table of the company database, for comparing two files by content. */
final class TableContents {
    static final List<String> TABLES = List.of("companies", "staff", "projects", "contracts");

    private TableContents() {}

    static Map<String, List<List<Object>>> read(Path database) throws SQLException {
        Map<String, List<List<Object>>> contents = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath());
             Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                List<List<Object>> rows = new ArrayList<>();
                try (ResultSet result = statement.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                    int columns = result.getMetaData().getColumnCount();
                    while (result.next()) {
                        List<Object> row = new ArrayList<>();
                        for (int i = 1; i <= columns; i++) row.add(result.getObject(i));
                        rows.add(row);
                    }
                }
                contents.put(table, rows);
            }
        }
        return contents;
    }

    /** The single integer a query returns. */
    static long count(Path database, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath());
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
