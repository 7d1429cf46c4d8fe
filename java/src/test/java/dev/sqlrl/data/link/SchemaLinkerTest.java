package dev.sqlrl.data.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.config.LinkingSection;
import dev.sqlrl.data.ChatTemplate;
import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.Prompt;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.data.PromptTemplate;
import dev.sqlrl.data.SchemaSerializer;
import dev.sqlrl.data.SqliteSchemaReader;
import dev.sqlrl.data.TestDatabases;
import dev.sqlrl.data.values.ValueMatch;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaLinkerTest {
    private static final String SCRIPT = """
            CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT);
            CREATE TABLE stadium (stadium_id INTEGER PRIMARY KEY, location TEXT, capacity INTEGER);
            CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, theme TEXT, stadium_id INTEGER REFERENCES stadium(stadium_id));
            CREATE TABLE singer_in_concert (concert_id INTEGER REFERENCES concert(concert_id), singer_id INTEGER REFERENCES singer(singer_id));
            CREATE TABLE employee (employee_id INTEGER PRIMARY KEY, salary REAL, hire_year INTEGER);
            CREATE TABLE audit (audit_id INTEGER PRIMARY KEY, id INTEGER, name TEXT);
            INSERT INTO singer VALUES (1, 'Joe Sharp', 'Netherlands');
            """;

    @TempDir
    Path temp;

    private DatabaseSchema schema() {
        Path db = TestDatabases.create(temp.resolve("concert.sqlite"), SCRIPT);
        return SqliteSchemaReader.read("concert", db);
    }

    @Test
    void namedTablesTheirNeighboursAndTheJoinPathAreKept() {
        DatabaseSchema schema = schema();
        // "singers" names singer (plural); the path to stadium goes through singer_in_concert and concert.
        assertEquals(List.of("singer", "stadium", "concert", "singer_in_concert"),
                SchemaLinker.keptTables(schema, "Which singers performed in a stadium with capacity over 1000?", List.of()));
        // A column name alone links its table ("salary"); generic words ("name", "id") link nothing.
        assertEquals(List.of("employee"), SchemaLinker.keptTables(schema, "What is the highest salary and its name?", List.of()));
        DatabaseSchema pruned = SchemaLinker.prune(schema, "Show the salary of every employee", List.of());
        assertEquals(List.of("employee"), pruned.tables().stream().map(DatabaseSchema.Table::name).toList());
        assertEquals(List.of(), pruned.foreignKeys());
    }

    @Test
    void aMentionedValueLinksItsTableAndNothingNamedKeepsTheWholeSchema() {
        DatabaseSchema schema = schema();
        assertEquals(List.of("singer", "singer_in_concert"), SchemaLinker.keptTables(schema, "Who is from the Netherlands?",
                List.of(new ValueMatch("singer", "country", "Netherlands", 1.0))));
        assertEquals(6, SchemaLinker.keptTables(schema, "How many are there?", List.of()).size());
    }

    @Test
    void promptsArePrunedAboveTheTokenBudgetAndRecordIt() {
        Path db = TestDatabases.create(temp.resolve("concert.sqlite"), SCRIPT);
        DatabaseSchema schema = SqliteSchemaReader.read("concert", db);
        Example example = new Example("0", "Show the salary of every employee", "SELECT salary FROM employee", "concert", db, null, null);
        SchemaSerializer serializer = new SchemaSerializer(new SchemaSerializer.Options(true, 0, 40));
        Prompt pruned = new PromptBuilder(PromptTemplate.load("text2sql-v1"), ChatTemplate.chatMl(), serializer, null,
                new LinkingSection(true, 0)).build(example, schema);
        assertEquals("text2sql-v1+linked", pruned.templateId());
        assertTrue(pruned.text().contains("CREATE TABLE employee (") && !pruned.text().contains("CREATE TABLE singer"), pruned.text());
        int fullTokens = SchemaTokens.count(serializer.serialize(schema, db));
        Prompt whole = new PromptBuilder(PromptTemplate.load("text2sql-v1"), ChatTemplate.chatMl(), serializer, null,
                new LinkingSection(true, fullTokens)).build(example, schema);
        assertTrue(whole.text().contains("CREATE TABLE singer ("), "a schema within the budget stays whole");
        Prompt off = new PromptBuilder(PromptTemplate.load("text2sql-v1"), ChatTemplate.chatMl(), serializer, null,
                new LinkingSection(false, 0)).build(example, schema);
        assertEquals("text2sql-v1", off.templateId());
        assertEquals(whole.text(), off.text());
    }

    @Test
    void schemaTokensCountWordsAndPunctuation() {
        assertEquals(13, SchemaTokens.count("CREATE TABLE t (\n  a_b INTEGER, -- e.g."));
    }
}
