package dev.sqlrl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoaderTest {
    @TempDir
    Path temp;

    @Test
    void loadsTheSpiderSample() {
        Dataset dataset = DatasetLoader.load(TestResources.spiderSample(), "train");
        assertEquals(DatasetLayout.SPIDER, dataset.layout());
        assertEquals(1739, dataset.examples().size());
        assertEquals(18, dataset.schemas().size());
        Example first = dataset.examples().get(0);
        assertEquals("train-0", first.id());
        assertEquals("How many aircrafts do we have?", first.question());
        assertEquals("SELECT count(*) FROM Aircraft", first.goldSql());
        assertEquals("flight_1", first.dbId());
        assertTrue(Files.isRegularFile(first.dbPath()));
        assertNull(first.evidence());
        DatabaseSchema flights = dataset.schemaOf(first);
        DatabaseSchema.Table aircraft = flights.table("aircraft").orElseThrow();
        assertEquals(List.of("aid"), aircraft.primaryKey());
        assertEquals("number", aircraft.column("aid").orElseThrow().type());
        assertTrue(flights.foreignKeys().contains(new DatabaseSchema.ForeignKey("certificate", "aid", "aircraft", "aid")),
                flights.foreignKeys().toString());
    }

    @Test
    void loadsBirdWithEvidenceAndDifficulty() throws IOException {
        Dataset dataset = DatasetLoader.load(TestDatabases.birdMini(temp), "dev");
        assertEquals(DatasetLayout.BIRD, dataset.layout());
        assertEquals(3, dataset.examples().size());
        Example second = dataset.examples().get(1);
        assertEquals("1", second.id());
        assertEquals("moderate", second.difficulty());
        assertTrue(second.evidence().startsWith("total amount refers to SUM(amount)"));
        assertTrue(second.goldSql().startsWith("SELECT SUM(T2.amount)"));
        assertNull(dataset.examples().get(2).evidence(), "empty evidence reads as none");
        DatabaseSchema shop = dataset.schemaOf(second);
        assertEquals(List.of(new DatabaseSchema.ForeignKey("orders", "customer_id", "customers", "id")), shop.foreignKeys());
    }

    @Test
    void loadsOwnJsonlWithPathsRelativeToTheFile() throws IOException {
        Path dir = TestDatabases.ownJsonl(temp);
        Dataset dataset = DatasetLoader.load(dir, "train");
        assertEquals(DatasetLayout.JSONL, dataset.layout());
        assertEquals(3, dataset.examples().size(), "the blank line is skipped");
        assertEquals("inv-1", dataset.examples().get(0).id());
        assertEquals("train-1", dataset.examples().get(1).id());
        assertEquals("Lyon is a city", dataset.examples().get(1).evidence());
        assertEquals(dir.resolve("db/inventory.sqlite").toAbsolutePath(), dataset.examples().get(0).dbPath());
        assertEquals("inventory", dataset.examples().get(0).dbId(), "db id defaults to the file name");
        DatabaseSchema inventory = dataset.schemas().get("inventory");
        assertEquals(List.of("product_id", "sku"), inventory.table("product").orElseThrow().primaryKey());
        assertEquals(List.of(new DatabaseSchema.ForeignKey("product", "supplier_id", "supplier", "supplier_id")),
                inventory.foreignKeys(), "a REFERENCES without a column points at the primary key");
        // The .jsonl file itself is also accepted.
        assertEquals(3, DatasetLoader.load(dir.resolve("train.jsonl"), "train").examples().size());
    }

    @Test
    void malformedJsonNamesFileAndLine() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("spider"));
        Files.writeString(dir.resolve("tables.json"), "[]");
        Files.writeString(dir.resolve("dev.json"), "[\n  {\"db_id\": \"a\",\n   \"question\": \"q\"\n   \"query\": \"x\"}\n]");
        UserInputException error = assertThrows(UserInputException.class, () -> DatasetLoader.load(dir, "dev"));
        assertTrue(error.getMessage().startsWith(dir.resolve("dev.json") + ":4: column"), error.getMessage());
        assertTrue(error.getMessage().contains("malformed JSON"), error.getMessage());
    }

    @Test
    void missingFieldNamesTheRecordAndItsLine() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("spider"));
        Files.writeString(dir.resolve("tables.json"), "[]");
        Files.writeString(dir.resolve("dev.json"), "[\n{\"db_id\": \"a\", \"question\": \"q\", \"query\": \"x\"},\n"
                + "{\"db_id\": \"a\",\n \"question\": \"q\"}\n]");
        UserInputException error = assertThrows(UserInputException.class, () -> DatasetLoader.load(dir, "dev"));
        assertTrue(error.getMessage().contains("dev.json:2: record 1: database file"), error.getMessage());
        // With the database in place the next problem is record 2's missing query.
        TestDatabases.create(dir.resolve("database/a/a.sqlite"), "CREATE TABLE t (x INTEGER);");
        Files.writeString(dir.resolve("tables.json"), "[{\"db_id\": \"a\", \"table_names_original\": [\"t\"],"
                + " \"column_names_original\": [[-1, \"*\"], [0, \"x\"]], \"column_types\": [\"text\", \"number\"],"
                + " \"primary_keys\": [], \"foreign_keys\": []}]");
        error = assertThrows(UserInputException.class, () -> DatasetLoader.load(dir, "dev"));
        assertEquals(dir.resolve("dev.json") + ":3: record 2: missing field 'query'", error.getMessage());
    }

    @Test
    void malformedJsonlNamesLineAndRecord() throws IOException {
        Path dir = TestDatabases.ownJsonl(temp);
        Files.writeString(dir.resolve("dev.jsonl"), "{\"question\": \"q\", \"sql\": \"SELECT 1\", \"db_path\": \"db/inventory.sqlite\"}\n"
                + "\n{\"question\": \"q\", \"sql\": \"SELECT 1\" \"db_path\": 1}\n");
        UserInputException error = assertThrows(UserInputException.class, () -> DatasetLoader.load(dir, "dev"));
        assertTrue(error.getMessage().startsWith(dir.resolve("dev.jsonl") + ":3: column"), error.getMessage());
        assertTrue(error.getMessage().contains("record 2: malformed JSON"), error.getMessage());

        Files.writeString(dir.resolve("dev.jsonl"), "{\"question\": \"q\", \"sql\": \"SELECT 1\"}\n");
        error = assertThrows(UserInputException.class, () -> DatasetLoader.load(dir, "dev"));
        assertTrue(error.getMessage().contains("dev.jsonl:1: record 1: needs 'db_path'"), error.getMessage());
    }

    @Test
    void malformedTablesJsonNamesTheEntry() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("spider"));
        Files.writeString(dir.resolve("dev.json"), "[]");
        Files.writeString(dir.resolve("tables.json"), "[\n{\"db_id\": \"a\", \"table_names_original\": [\"t\"],\n"
                + " \"column_names_original\": [[-1, \"*\"], [3, \"x\"]], \"column_types\": [\"text\", \"number\"],"
                + " \"primary_keys\": [], \"foreign_keys\": []}]");
        UserInputException error = assertThrows(UserInputException.class, () -> DatasetLoader.load(dir, "dev"));
        assertEquals(dir.resolve("tables.json") + ":2: record 1: db 'a': column_names_original[1] refers to table 3"
                + " but there are 1 tables", error.getMessage());
    }

    @Test
    void unknownLayoutSaysWhatWasExpected() {
        UserInputException error = assertThrows(UserInputException.class, () -> DatasetLoader.load(temp, "dev"));
        assertTrue(error.getMessage().contains("dev.jsonl (own data), dev_tables.json (BIRD) or tables.json (Spider)"),
                error.getMessage());
    }
}
