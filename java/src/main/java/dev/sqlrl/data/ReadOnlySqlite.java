package dev.sqlrl.data;

import dev.sqlrl.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/** Opens dataset databases read-only, so that reading a schema or sample values never changes them. */
public final class ReadOnlySqlite {
    private ReadOnlySqlite() {}

    public static Connection open(Path dbFile) {
        if (!Files.isRegularFile(dbFile)) {
            throw new UserInputException(dbFile + ": SQLite database not found");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        try {
            return config.createConnection("jdbc:sqlite:" + dbFile.toAbsolutePath());
        } catch (SQLException e) {
            throw new UserInputException(dbFile + ": cannot open as SQLite: " + e.getMessage(), e);
        }
    }
}
