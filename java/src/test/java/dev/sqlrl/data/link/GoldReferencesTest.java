package dev.sqlrl.data.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.data.ReadOnlySqlite;
import dev.sqlrl.data.SqliteSchemaReader;
import dev.sqlrl.data.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldReferencesTest {
    @TempDir
    Path temp;

    @Test
    void aliasesAndUnqualifiedColumnsResolveToSchemaColumnsAndOnlyStoredLiteralsCount() throws Exception {
        Path db = TestDatabases.create(temp.resolve("c.sqlite"), """
                CREATE TABLE Singer (Singer_ID INTEGER PRIMARY KEY, Name TEXT, Country TEXT);
                CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, singer_id INTEGER, year TEXT);
                INSERT INTO Singer VALUES (1, 'Joe Sharp', 'France');
                INSERT INTO concert VALUES (1, 1, '2014');
                """);
        DatabaseSchema schema = SqliteSchemaReader.read("c", db);
        try (Connection connection = ReadOnlySqlite.open(db)) {
            GoldReferences gold = GoldReferences.of("SELECT T1.name, count(*) FROM singer AS T1 JOIN concert AS T2 "
                    + "ON T1.singer_id = T2.singer_id WHERE country = \"france\" AND year = '2015' AND T2.year LIKE '%14'",
                    schema, connection);
            assertEquals(Set.of("singer", "concert"), gold.tables());
            assertEquals(Set.of("singer.name", "singer.singer_id", "concert.singer_id", "singer.country", "concert.year"),
                    gold.columns());
            // '2015' and '%14' are stored nowhere; "france" matches 'France' (case ignored), in Singer.Country.
            assertEquals(List.of(new GoldReferences.StoredLiteral("singer", "country", "france")), gold.literals());
            assertEquals(Set.of(), GoldReferences.of("SELEC nonsense", schema, connection).tables());
        }
    }
}
