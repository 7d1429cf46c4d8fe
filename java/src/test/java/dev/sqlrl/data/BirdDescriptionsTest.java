package dev.sqlrl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import dev.sqlrl.train.PromptSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BIRD's database_description/*.csv files in the column comments, on a BIRD-layout fixture whose files carry the
 * released files' oddities: a UTF-8 BOM, Windows-1252 bytes, CRLF, quoted fields with commas and line breaks, empty
 * descriptions, descriptions that repeat the name, file and column names in another case.
 */
class BirdDescriptionsTest {
    private static final String HEADER = "original_column_name,column_name,column_description,data_format,value_description";

    @TempDir
    Path temp;

    /** The bird-mini fixture with description files for both tables. */
    private Path birdWithDescriptions() throws IOException {
        Path dir = TestDatabases.birdMini(temp);
        Path descriptions = dir.resolve("dev_databases/shop/database_description");
        Files.createDirectories(descriptions);
        // UTF-8 with a BOM and CRLF; the file name and a column name in another case, a name with a trailing space
        String customers = HEADER + "\r\n"
                + "\"ID \",id,the customer's number,integer,\r\n"
                + "name,name,,text,\"Full name, as written\r\non the invoice\"\r\n"
                + "country,country,country of résidence,text,\r\n";
        Files.write(descriptions.resolve("CUSTOMERS.csv"), concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                customers.getBytes(StandardCharsets.UTF_8)));
        // Windows-1252 (the euro sign is 0x80, é 0xE9: not UTF-8), LF line ends; customer_id's description repeats its name
        String orders = HEADER + "\n"
                + "customer_id,customer id,Customer_ID,integer,\n"
                + "amount,amount,order amount in €,real,paid in euros (€)\n"
                + "order_date,order date,  date ordered  ,date,\"format: YYYY-MM-DD\n\n(né)\"\n";
        Files.write(descriptions.resolve("orders.csv"), orders.getBytes(Charset.forName("windows-1252")));
        return dir;
    }

    @Test
    void serializedSchemaShowsEachDescriptionInItsColumnsComment() throws IOException {
        Dataset dataset = DatasetLoader.load(birdWithDescriptions(), "dev");
        Example example = dataset.examples().getFirst();
        SchemaSerializer serializer = new SchemaSerializer(
                new SchemaSerializer.Options(true, 2, 40, SchemaSerializer.Format.DDL, true));
        assertEquals("""
                CREATE TABLE customers (
                  id integer, -- the customer's number; e.g. 1, 2
                  name text, -- value description: Full name, as written on the invoice; e.g. 'Ana', 'Bo'
                  country text, -- country of résidence; e.g. 'France', 'Germany'
                  PRIMARY KEY (id)
                );

                CREATE TABLE orders (
                  id integer, -- e.g. 1, 2
                  customer_id integer, -- e.g. 1, 2
                  amount real, -- order amount in €; value description: paid in euros (€); e.g. 10.5, 99.0
                  order_date date, -- date ordered; value description: format: YYYY-MM-DD (né); e.g. '2024-01-02', '2024-01-03'
                  PRIMARY KEY (id),
                  FOREIGN KEY (customer_id) REFERENCES customers(id)
                );
                """, serializer.serialize(dataset.schemaOf(example), example.dbPath()));
        assertTrue(serializer.showsDescriptions(example.dbPath()));

        // with value retrieval's layout the descriptions come first, then the values
        String withValues = serializer.serialize(dataset.schemaOf(example), example.dbPath(),
                Map.of("customers.country", java.util.List.of("France")));
        assertTrue(withValues.contains("  country text, -- country of résidence; example values: 'France', 'Germany'\n"),
                withValues);
    }

    @Test
    void promptsOfBirdDataCarryDescriptionsByDefaultAndRecordThemInTheTemplateId() throws IOException {
        Dataset dataset = DatasetLoader.load(birdWithDescriptions(), "dev");
        PromptSettings defaults = PromptSettings.defaults();
        assertTrue(defaults.schema().descriptions(), "on by default");
        assertEquals("true", defaults.describe().get("data.schema.descriptions"));
        Prompt prompt = defaults.builder(ChatTemplate.chatMl()).build(dataset.examples().getFirst(), dataset);
        assertEquals("text2sql-v1+descriptions", prompt.templateId());
        assertTrue(prompt.text().contains("amount real, -- order amount in €; value description: paid in euros (€)"),
                prompt.text());

        var s = defaults.schema();
        PromptSettings off = defaults.withSchema(new dev.sqlrl.config.SchemaSection(s.sampleValues(), s.foreignKeys(),
                s.format(), s.values(), s.linking(), false));
        Prompt plain = off.builder(ChatTemplate.chatMl()).build(dataset.examples().getFirst(), dataset);
        assertEquals("text2sql-v1", plain.templateId());
        assertFalse(plain.text().contains("order amount"), plain.text());
        assertTrue(plain.text().contains("amount real, -- e.g. "), plain.text());

        PromptSettings compact = defaults.withSchema(new dev.sqlrl.config.SchemaSection(s.sampleValues(),
                s.foreignKeys(), SchemaSerializer.Format.COMPACT, s.values(), s.linking(), true));
        assertEquals("text2sql-v1", compact.builder(ChatTemplate.chatMl())
                .build(dataset.examples().getFirst(), dataset).templateId(), "compact schemas have no comments");
    }

    @Test
    void databasesWithoutDescriptionFilesAreUnchanged() throws IOException {
        Dataset dataset = DatasetLoader.load(TestDatabases.birdMini(temp), "dev");
        Example example = dataset.examples().getFirst();
        String with = new SchemaSerializer(new SchemaSerializer.Options(true, 2, 40, SchemaSerializer.Format.DDL, true))
                .serialize(dataset.schemaOf(example), example.dbPath());
        String without = new SchemaSerializer(new SchemaSerializer.Options(true, 2, 40))
                .serialize(dataset.schemaOf(example), example.dbPath());
        assertEquals(without, with);
        assertEquals("text2sql-v1", PromptSettings.defaults().builder(ChatTemplate.chatMl())
                .build(example, dataset).templateId());
    }

    @Test
    void eachEncodingDecodes() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', ',', (byte) 0xC3, (byte) 0xA9};
        assertEquals("a,é", ColumnDescriptions.decode(bom), "UTF-8 with a BOM");
        assertEquals("a,é", ColumnDescriptions.decode(new byte[] {'a', ',', (byte) 0xC3, (byte) 0xA9}), "UTF-8");
        assertEquals("€ café", ColumnDescriptions.decode(new byte[] {(byte) 0x80, ' ', 'c', 'a', 'f', (byte) 0xE9}),
                "Windows-1252");
        // 0x81 is undefined in Windows-1252: ISO-8859-1 reads it (and é) all the same
        assertEquals("\u0081 é", ColumnDescriptions.decode(new byte[] {(byte) 0x81, ' ', (byte) 0xE9}), "ISO-8859-1");
    }

    @Test
    void latin1FileParses() throws IOException {
        Path file = temp.resolve("t.csv");
        Files.write(file, (HEADER + "\r\nx,x,sp\u00e9cial \u0081,text,\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(Map.of("x", new ColumnDescriptions.Description("sp\u00e9cial \u0081", null)),
                ColumnDescriptions.read(file));
    }

    @Test
    void emptyFileAndEmptyDescriptionsDescribeNothing() throws IOException {
        Path empty = temp.resolve("empty.csv");
        Files.write(empty, new byte[0]);
        assertEquals(Map.of(), ColumnDescriptions.read(empty));
        Path blank = temp.resolve("blank.csv");
        Files.writeString(blank, HEADER + "\nx,x,,text,\ny,y,\"  \",text,\"\"\n,,orphan,,\n");
        assertEquals(Map.of(), ColumnDescriptions.read(blank));
    }

    @Test
    void malformedCsvIsOneLineErrorNamingTheFile() throws IOException {
        Path unclosed = temp.resolve("customers.csv");
        Files.writeString(unclosed, HEADER + "\nname,name,\"never closed,text,\nid,id,x,integer,\n");
        UserInputException error = assertThrows(UserInputException.class, () -> ColumnDescriptions.read(unclosed));
        assertTrue(error.getMessage().startsWith(unclosed + ": malformed CSV: "), error.getMessage());
        assertFalse(error.getMessage().contains("\n"), error.getMessage());

        Path noHeader = temp.resolve("orders.csv");
        Files.writeString(noHeader, "name,description\nid,the id\n");
        UserInputException headerError = assertThrows(UserInputException.class, () -> ColumnDescriptions.read(noHeader));
        assertTrue(headerError.getMessage().startsWith(noHeader + ": not a BIRD description file"), headerError.getMessage());
        assertFalse(headerError.getMessage().contains("\n"), headerError.getMessage());
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }
}
