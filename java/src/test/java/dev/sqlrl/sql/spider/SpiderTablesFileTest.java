package dev.sqlrl.sql.spider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpiderTablesFileTest {
    @TempDir
    Path dir;

    @Test
    void readsNamesLowerCasedAndForeignKeyRepresentatives() {
        SpiderSchema schema = ConcertSchema.load();
        assertTrue(schema.hasColumn("singer", "singer_id"));
        assertTrue(schema.hasTable("singer_in_concert"));
        // build_foreign_key_map: every member maps to the lowest column index of its group.
        assertEquals("__singer.singer_id__", schema.foreignKeyRepresentative("__singer_in_concert.singer_id__"));
        assertEquals("__singer.singer_id__", schema.foreignKeyRepresentative("__singer.singer_id__"));
        assertEquals("__concert.stadium_id__", schema.foreignKeyRepresentative("__stadium.stadium_id__"));
        assertEquals("__singer.name__", schema.foreignKeyRepresentative("__singer.name__"));
    }

    @Test
    void malformedJsonNamesFileAndLine() throws IOException {
        Path file = write("[\n  {\"db_id\": \"a\",\n   \"table_names_original\": [\"t\"\n}\n]");
        UserInputException e = assertThrows(UserInputException.class, () -> SpiderTablesFile.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
    }

    @Test
    void missingKeyNamesRecordLineAndKey() throws IOException {
        Path file = write("""
                [
                  {"db_id": "ok", "table_names_original": [], "column_names_original": [[-1, "*"]], "foreign_keys": []},
                  {"db_id": "bad", "table_names_original": ["t"], "foreign_keys": []}
                ]
                """);
        UserInputException e = assertThrows(UserInputException.class, () -> SpiderTablesFile.read(file));
        assertTrue(e.getMessage().contains("record 1 (line 3)"), e.getMessage());
        assertTrue(e.getMessage().contains("'column_names_original'"), e.getMessage());
        assertTrue(e.getMessage().contains("db_id 'bad'"), e.getMessage());
    }

    @Test
    void foreignKeyOutOfRangeIsReported() throws IOException {
        Path file = write("""
                [{"db_id": "x", "table_names_original": ["t"], "column_names_original": [[-1, "*"], [0, "a"]],
                  "foreign_keys": [[1, 7]]}]
                """);
        UserInputException e = assertThrows(UserInputException.class, () -> SpiderTablesFile.read(file));
        assertTrue(e.getMessage().contains("foreign_keys"), e.getMessage());
    }

    @Test
    void notAnArrayIsReported() throws IOException {
        Path file = write("{\"db_id\": \"x\"}");
        UserInputException e = assertThrows(UserInputException.class, () -> SpiderTablesFile.read(file));
        assertTrue(e.getMessage().contains("expected a JSON array"), e.getMessage());
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("tables.json");
        Files.writeString(file, text);
        return file;
    }
}
