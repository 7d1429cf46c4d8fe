package dev.sqlrl.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Builds small SQLite fixtures from SQL scripts, and dataset folders around them. */
public final class TestDatabases {
    private TestDatabases() {}

    /** Runs the statements of a script (one per ';' at a line end) into a new database file. */
    public static Path create(Path dbFile, String script) {
        try {
            Files.createDirectories(dbFile.getParent());
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
                 Statement statement = connection.createStatement()) {
                for (String sql : script.split(";\\s*\\n")) {
                    if (!sql.isBlank()) {
                        statement.executeUpdate(sql);
                    }
                }
            }
            return dbFile;
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot build test database " + dbFile, e);
        }
    }

    /** A BIRD-layout folder: dev.json and dev_tables.json from the resources, dev_databases/shop/shop.sqlite built. */
    public static Path birdMini(Path tempDir) throws IOException {
        Path source = TestResources.resource("data/bird-mini");
        Path dir = tempDir.resolve("bird");
        Files.createDirectories(dir);
        Files.copy(source.resolve("dev.json"), dir.resolve("dev.json"));
        Files.copy(source.resolve("dev_tables.json"), dir.resolve("dev_tables.json"));
        create(dir.resolve("dev_databases/shop/shop.sqlite"), Files.readString(source.resolve("shop.sql")));
        return dir;
    }

    /** A folder with the team's own train.jsonl and the inventory database it points at (db/inventory.sqlite). */
    public static Path ownJsonl(Path tempDir) throws IOException {
        Path source = TestResources.resource("data/own-jsonl");
        Path dir = tempDir.resolve("own");
        Files.createDirectories(dir);
        Files.copy(source.resolve("train.jsonl"), dir.resolve("train.jsonl"));
        create(dir.resolve("db/inventory.sqlite"), Files.readString(source.resolve("inventory.sql")));
        return dir;
    }
}
