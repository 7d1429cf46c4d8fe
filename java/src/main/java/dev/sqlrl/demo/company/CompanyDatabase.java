package dev.sqlrl.demo.company;

import dev.sqlrl.DurableFiles;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The demo's company database as a SQLite file: companies, staff, projects and contracts with
 * declared primary and foreign keys (the schema serializer prints them), rows from
 * {@link CompanyRows}. The same seed gives the same content.
 */
public final class CompanyDatabase {
    /** Table DDL in creation order; the prompt's schema text is read back from the file. */
    static final List<String> DDL = List.of("""
            CREATE TABLE companies (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL,
              city TEXT NOT NULL,
              industry TEXT NOT NULL
            )""", """
            CREATE TABLE staff (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL,
              role TEXT NOT NULL,
              salary INTEGER NOT NULL,
              company_id INTEGER NOT NULL REFERENCES companies(id)
            )""", """
            CREATE TABLE projects (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL,
              company_id INTEGER NOT NULL REFERENCES companies(id),
              budget INTEGER NOT NULL,
              status TEXT NOT NULL
            )""", """
            CREATE TABLE contracts (
              id INTEGER PRIMARY KEY,
              project_id INTEGER NOT NULL REFERENCES projects(id),
              staff_id INTEGER NOT NULL REFERENCES staff(id),
              hours INTEGER NOT NULL,
              rate INTEGER NOT NULL
            )""");

    private CompanyDatabase() {}

    /** Writes the database of {@code seed} (default sizes, bundled word lists) to {@code file}, atomically; returns its rows. */
    public static CompanyRows create(Path file, long seed) {
        CompanyRows rows = CompanyRows.generate(seed, CompanyRows.Size.DEFAULT, CompanyWords.bundled());
        write(file, rows);
        return rows;
    }

    /** Writes {@code rows} to {@code file}, replacing it atomically. */
    public static void write(Path file, CompanyRows rows) {
        DurableFiles.writeAtomically(file, temporary -> {
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + temporary.toAbsolutePath())) {
                fill(connection, rows);
            }
        });
    }

    private static void fill(Connection connection, CompanyRows rows) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA foreign_keys = ON");
            for (String ddl : DDL) statement.execute(ddl);
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO companies VALUES (?, ?, ?, ?)")) {
            for (CompanyRows.Company c : rows.companies()) {
                insert.setInt(1, c.id());
                insert.setString(2, c.name());
                insert.setString(3, c.city());
                insert.setString(4, c.industry());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO staff VALUES (?, ?, ?, ?, ?)")) {
            for (CompanyRows.Staff s : rows.staff()) {
                insert.setInt(1, s.id());
                insert.setString(2, s.name());
                insert.setString(3, s.role());
                insert.setInt(4, s.salary());
                insert.setInt(5, s.companyId());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO projects VALUES (?, ?, ?, ?, ?)")) {
            for (CompanyRows.Project p : rows.projects()) {
                insert.setInt(1, p.id());
                insert.setString(2, p.name());
                insert.setInt(3, p.companyId());
                insert.setInt(4, p.budget());
                insert.setString(5, p.status());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO contracts VALUES (?, ?, ?, ?, ?)")) {
            for (CompanyRows.Contract c : rows.contracts()) {
                insert.setInt(1, c.id());
                insert.setInt(2, c.projectId());
                insert.setInt(3, c.staffId());
                insert.setInt(4, c.hours());
                insert.setInt(5, c.rate());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        connection.commit();
    }
}
