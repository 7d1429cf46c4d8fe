package dev.sqlrl.data.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.config.ValuesSection;
import dev.sqlrl.data.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValueRetrievalTest {
    static final String SCRIPT = """
            CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER);
            INSERT INTO singer VALUES (1, 'Leonardo DiCaprio', 'France', 40), (2, 'Joe Sharp', 'Netherlands', 52),
              (3, 'Timbaland', 'United States', 32), (4, 'Justin Brown', 'France', 29), (5, 'Rose White', 'United Kingdom', 41);
            CREATE TABLE concert (id INTEGER PRIMARY KEY, theme TEXT, stadium TEXT);
            INSERT INTO concert VALUES (1, 'Free choice', 'Stark''s Park'), (2, 'Happy Tonight', 'Glebe Park'),
              (3, 'Party All Night', 'Somerset Park'), (4, 'The', 'Balmoor');
            """;

    @TempDir
    Path temp;

    private Path database() {
        return TestDatabases.create(temp.resolve("db/concert.sqlite"), SCRIPT);
    }

    private static List<String> values(List<ValueMatch> matches) {
        return matches.stream().map(m -> m.table() + "." + m.column() + "=" + m.value()).toList();
    }

    @Test
    void exactMentionsComeFirstAndOnlyValuesTheQuestionNames() throws Exception {
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), quiet())) {
            ValueIndex index = cache.index(database());
            assertEquals(List.of("singer.country=France"),
                    values(index.search("How many singers are from france?", 0.85, 3)));
            assertEquals(List.of("concert.stadium=Stark's Park"),
                    values(index.search("Which concerts were held at Starks Park?", 0.85, 3)));
            // A stop word stored as a value ('The') is never a match.
            assertEquals(List.of("concert.theme=Happy Tonight"),
                    values(index.search("What is the stadium of the concert 'Happy Tonight'?", 0.85, 3)));
        }
    }

    @Test
    void fuzzyMatchesFindMisspelledAndSplitNamesAboveTheThreshold() throws Exception {
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), quiet())) {
            ValueIndex index = cache.index(database());
            List<ValueMatch> matches = index.search("How old is Leonardo di Caprio?", 0.85, 3);
            assertEquals(List.of("singer.name=Leonardo DiCaprio"), values(matches));
            assertTrue(!matches.getFirst().exact() && matches.getFirst().similarity() >= 0.85, matches.toString());
            assertEquals(List.of("singer.name=Timbaland"), values(index.search("songs by Timbalannd", 0.85, 3)));
            assertEquals(List.of(), values(index.search("songs by Timbalannd", 0.95, 3)), "below the threshold");
        }
    }

    @Test
    void perColumnCapKeepsTheBestMatches() throws Exception {
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), quiet())) {
            ValueIndex index = cache.index(database());
            String question = "Compare Glebe Park, Somerset Park and Stark's Park";
            assertEquals(3, index.search(question, 0.85, 3).size());
            List<ValueMatch> one = index.search(question, 0.85, 1);
            assertEquals(1, one.size());
            assertTrue(one.getFirst().exact());
        }
    }

    @Test
    void retrieverGroupsValuesByLowerCaseColumn() {
        Path db = database();
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), quiet())) {
            ValueRetriever retriever = new ValueRetriever(cache, new ValuesSection(true, 0.85, 2));
            Map<String, List<String>> byColumn = retriever.valuesByColumn(db, "Singers from France or the Netherlands");
            assertEquals(Map.of("singer.country", List.of("France", "Netherlands")), byColumn);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void indexIsBuiltOnceAndReusedByTheNextProcess() throws Exception {
        Path db = database();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ValueIndex.Info first;
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), new PrintStream(log, true, StandardCharsets.UTF_8))) {
            first = cache.index(db).info();
            assertEquals(first, cache.index(db).info());
        }
        assertEquals(1, log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("values: indexed")).count(), log.toString());
        assertEquals(5 + 4 + 4 + 4, first.values(), "distinct text values: names, countries (4), themes, stadiums");
        assertTrue(first.bytes() > 0 && first.buildSeconds() >= 0, first.toString());
        log.reset();
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), new PrintStream(log, true, StandardCharsets.UTF_8))) {
            assertEquals(first, cache.index(db).info(), "read from disk, not rebuilt");
        }
        assertEquals("", log.toString(StandardCharsets.UTF_8));
        try (Stream<Path> left = Files.list(temp.resolve("cache").resolve(ValueIndexCache.FORMAT))) {
            assertEquals(List.of(ValueIndexCache.sha256(db)), left.map(p -> p.getFileName().toString()).toList(),
                    "one published folder named by the database's hash, no temporary leftovers");
        }
    }

    @Test
    void damagedIndexIsRebuiltNotTrusted() throws Exception {
        Path db = database();
        Path dir = temp.resolve("cache").resolve(ValueIndexCache.FORMAT).resolve(ValueIndexCache.sha256(db));
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), quiet())) {
            cache.index(db);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals(ValueIndexCache.INFO)
                    && !f.getFileName().toString().equals("write.lock")).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                if (bytes.length > 0) bytes[bytes.length / 2] ^= 0x5a; // flip bits inside every Lucene file
                Files.write(file, bytes);
            }
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), new PrintStream(log, true, StandardCharsets.UTF_8))) {
            assertEquals(List.of("singer.country=France"), values(cache.index(db).search("singers from France", 0.85, 3)));
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("is damaged"), log.toString());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("values: indexed"), log.toString());

        // An index without its record (a build killed before publishing) is not trusted either.
        Files.delete(dir.resolve(ValueIndexCache.INFO));
        log.reset();
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), new PrintStream(log, true, StandardCharsets.UTF_8))) {
            cache.index(db);
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("no info.json"), log.toString());
    }

    @Test
    void aBuildThatLosesThePublishingRaceUsesTheWinnersIndex() throws Exception {
        Path db = database();
        Path dir = temp.resolve("cache").resolve(ValueIndexCache.FORMAT).resolve(ValueIndexCache.sha256(db));
        try (ValueIndexCache first = new ValueIndexCache(temp.resolve("cache"), quiet());
             ValueIndexCache second = new ValueIndexCache(temp.resolve("cache"), quiet())) {
            ValueIndex.Info published = first.index(db).info();
            second.build(db, dir); // as if a second process had checked before the first one published
            assertEquals(published, second.index(db).info());
        }
        try (Stream<Path> left = Files.list(dir.getParent())) {
            assertEquals(1, left.count(), "the loser's temporary folder is gone");
        }
    }

    @Test
    void changedDatabaseGetsANewIndex() throws Exception {
        Path db = database();
        String before = ValueIndexCache.sha256(db);
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), quiet())) {
            assertEquals(List.of(), cache.index(db).search("singers from Peru", 0.85, 3));
        }
        try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             var statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO singer VALUES (6, 'Ana Lopez', 'Peru', 30)");
        }
        assertNotEquals(before, ValueIndexCache.sha256(db));
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), quiet())) {
            assertEquals(List.of("singer.country=Peru"), values(cache.index(db).search("singers from Peru", 0.85, 3)));
        }
    }

    static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }
}
