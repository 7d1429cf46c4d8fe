package dev.sqlrl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schemas from tables.json and from SQLite introspection, and their serialization. */
class SchemaTest {
    @TempDir
    Path temp;

    @Test
    void introspectionAgreesWithTablesJsonOnTheSpiderSample() {
        Path sample = TestResources.spiderSample();
        Map<String, DatabaseSchema> fromJson = TablesJsonReader.read(sample.resolve("tables.json"));
        for (DatabaseSchema expected : fromJson.values()) {
            Path dbFile = sample.resolve("database").resolve(expected.dbId()).resolve(expected.dbId() + ".sqlite");
            DatabaseSchema introspected = SqliteSchemaReader.read(expected.dbId(), dbFile);
            for (DatabaseSchema.Table table : expected.tables()) {
                DatabaseSchema.Table actual = introspected.table(table.name()).orElseThrow(
                        () -> new AssertionError(expected.dbId() + ": table " + table.name() + " not in the file"));
                assertEquals(table.columns().size(), actual.columns().size(), expected.dbId() + "." + table.name());
            }
        }
    }

    @Test
    void serializesDdlWithKeysAndSampleValues() throws IOException {
        Path dbFile = TestDatabases.create(temp.resolve("shop.sqlite"),
                java.nio.file.Files.readString(TestResources.resource("data/bird-mini/shop.sql")));
        DatabaseSchema schema = SqliteSchemaReader.read("shop", dbFile);
        String ddl = new SchemaSerializer(new SchemaSerializer.Options(true, 2, 40)).serialize(schema, dbFile);
        assertEquals("""
                CREATE TABLE customers (
                  id INTEGER, -- e.g. 1, 2
                  name TEXT, -- e.g. 'Ana', 'Bo'
                  country TEXT, -- e.g. 'France', 'Germany'
                  PRIMARY KEY (id)
                );

                CREATE TABLE orders (
                  id INTEGER, -- e.g. 1, 2
                  customer_id INTEGER, -- e.g. 1, 2
                  amount REAL, -- e.g. 10.5, 99.0
                  order_date DATE, -- e.g. '2024-01-02', '2024-01-03'
                  PRIMARY KEY (id),
                  FOREIGN KEY (customer_id) REFERENCES customers(id)
                );
                """, ddl);
        String bare = new SchemaSerializer(new SchemaSerializer.Options(false, 0, 40)).serialize(schema, dbFile);
        assertTrue(bare.contains("  order_date DATE,\n  PRIMARY KEY (id)\n);"), bare);
        assertTrue(!bare.contains("FOREIGN KEY") && !bare.contains("e.g."), bare);
    }

    @Test
    void serializesCompactOneLinePerTableWithForeignKeyArrows() throws IOException {
        Path dbFile = TestDatabases.create(temp.resolve("shop.sqlite"),
                java.nio.file.Files.readString(TestResources.resource("data/bird-mini/shop.sql")));
        DatabaseSchema schema = SqliteSchemaReader.read("shop", dbFile);
        SchemaSerializer.Format compact = SchemaSerializer.Format.COMPACT;
        assertEquals("""
                customers(id, name, country)
                orders(id, customer_id -> customers.id, amount, order_date)
                """, new SchemaSerializer(new SchemaSerializer.Options(true, 2, 40, compact)).serialize(schema, dbFile));
        assertEquals("""
                customers(id, name, country)
                orders(id, customer_id, amount, order_date)
                """, new SchemaSerializer(new SchemaSerializer.Options(false, 0, 40, compact)).serialize(schema, dbFile));
    }

    @Test
    void sampleValuesSurviveLatin1BytesAndSkipLongOnes() {
        Path dbFile = TestDatabases.create(temp.resolve("latin.sqlite"), """
                CREATE TABLE "city list" (name TEXT, note TEXT);
                INSERT INTO "city list" VALUES (CAST(X'4D6F6E7472E9616C' AS TEXT), 'a very long note that goes past the limit');
                INSERT INTO "city list" VALUES ('Zürich', 'ok');
                INSERT INTO "city list" VALUES ('O''Brien', NULL);
                """);
        DatabaseSchema schema = SqliteSchemaReader.read("latin", dbFile);
        String ddl = new SchemaSerializer(new SchemaSerializer.Options(true, 3, 10)).serialize(schema, dbFile);
        assertEquals("""
                CREATE TABLE "city list" (
                  name TEXT, -- e.g. 'Montr\uFFFDal', 'Zürich', 'O''Brien'
                  note TEXT -- e.g. 'ok'
                );
                """, ddl);
    }

    @Test
    void spiderSchemaFromTablesJsonSerializes() {
        Path sample = TestResources.spiderSample();
        DatabaseSchema schema = TablesJsonReader.read(sample.resolve("tables.json")).get("flight_1");
        String ddl = new SchemaSerializer(SchemaSerializer.Options.DEFAULT)
                .serialize(schema, sample.resolve("database/flight_1/flight_1.sqlite"));
        assertTrue(ddl.contains("CREATE TABLE aircraft (\n  aid number, -- e.g. "), ddl);
        assertTrue(ddl.contains("FOREIGN KEY (aid) REFERENCES aircraft(aid)"), ddl);
        assertEquals(List.of("flight", "aircraft", "employee", "certificate"),
                schema.tables().stream().map(DatabaseSchema.Table::name).toList());
    }
}
