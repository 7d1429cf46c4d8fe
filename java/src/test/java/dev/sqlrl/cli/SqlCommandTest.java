package dev.sqlrl.cli;

import static dev.sqlrl.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sqlrl.cli.CliRun.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SqlCommandTest {

    private static String flightDatabase() {
        String shared = System.getProperty("sqlrl.shared.dir");
        Path db = shared == null ? null : Path.of(shared, "spider-sample", "database", "flight_1", "flight_1.sqlite");
        assumeTrue(db != null && Files.isRegularFile(db), "Spider sample fixtures not found (sqlrl.shared.dir=" + shared + ")");
        return db.toString();
    }

    @Test
    void printsRowsAsATable() {
        Result run = run("sql", "run", "--db", flightDatabase(), "--sql", "SELECT flno, price FROM flight ORDER BY flno LIMIT 2");
        assertEquals(0, run.code(), run.err());
        assertEquals("flno | price\n2 | 780.99\n7 | 278.56\n(2 rows)\n", run.out().replace("\r\n", "\n"));
    }

    @Test
    void printsJson() {
        Result run = run("sql", "run", "--db", flightDatabase(), "--sql", "SELECT count(*) AS n, NULL AS missing FROM flight", "--json");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("{\"columns\":[\"n\",\"missing\"],\"rows\":[[10,null]],\"elapsed_ms\":"), run.out());
    }

    @Test
    void rejectedQueryExitsTwoWithOneLine() {
        Result run = run("sql", "run", "--db", flightDatabase(), "--sql", "DROP TABLE flight");
        assertEquals(2, run.code());
        assertEquals("sqlrl: REJECTED: only SELECT queries may run, but this statement begins with 'DROP'\n", run.err().replace("\r\n", "\n"));
    }

    @Test
    void failedQueryReportsItsCategoryAsJsonToo() {
        Result run = run("sql", "run", "--db", flightDatabase(), "--sql", "SELECT nope FROM flight", "--json");
        assertEquals(2, run.code());
        assertTrue(run.out().startsWith("{\"error\":{\"category\":\"UNKNOWN_COLUMN\",\"message\":\"no such column: nope\"}"), run.out());
    }

    @Test
    void limitsComeFromTheOptions() {
        String db = flightDatabase();
        Result tooMany = run("sql", "run", "--db", db, "--sql", "SELECT * FROM flight", "--max-rows", "3");
        assertEquals(2, tooMany.code());
        assertEquals("sqlrl: TOO_LARGE: the result has more than 3 rows\n", tooMany.err().replace("\r\n", "\n"));
        Result endless = run("sql", "run", "--db", db, "--timeout-ms", "100",
                "--sql", "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r");
        assertEquals(2, endless.code());
        assertTrue(endless.err().startsWith("sqlrl: "), endless.err());
        Result badOption = run("sql", "run", "--db", db, "--sql", "SELECT 1", "--timeout-ms", "0");
        assertEquals(2, badOption.code());
        assertEquals("sqlrl: --timeout-ms must be positive, got 0\n", badOption.err().replace("\r\n", "\n"));
    }

    @Test
    void missingDatabaseIsOneLineWithoutStackTrace() {
        Result run = run("sql", "run", "--db", "/nonexistent/x.sqlite", "--sql", "SELECT 1");
        assertEquals(2, run.code());
        assertEquals("sqlrl: database file not found: /nonexistent/x.sqlite\n", run.err().replace("\r\n", "\n"));
        assertFalse(run.err().contains("Exception"));
    }
}
