package dev.sqlrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SqlCommandTest {

    /** Exit code and what the command printed. */
    record Run(int exitCode, String out, String rawErr) {
        /** stderr without SLF4J's one-time notice that no logging backend is configured (printed when sqlite-jdbc first loads). */
        String err() {
            return rawErr.replace("\r\n", "\n").lines().filter(line -> !line.startsWith("SLF4J(")).map(line -> line + "\n")
                    .collect(java.util.stream.Collectors.joining());
        }
    }

    private static Run sqlrl(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    private static String flightDatabase() {
        String shared = System.getProperty("sqlrl.shared.dir");
        Path db = shared == null ? null : Path.of(shared, "spider-sample", "database", "flight_1", "flight_1.sqlite");
        assumeTrue(db != null && Files.isRegularFile(db), "Spider sample fixtures not found (sqlrl.shared.dir=" + shared + ")");
        return db.toString();
    }

    @Test
    void printsRowsAsATable() {
        Run run = sqlrl("sql", "run", "--db", flightDatabase(), "--sql", "SELECT flno, price FROM flight ORDER BY flno LIMIT 2");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("flno | price\n2 | 780.99\n7 | 278.56\n(2 rows)\n", run.out().replace("\r\n", "\n"));
    }

    @Test
    void printsJson() {
        Run run = sqlrl("sql", "run", "--db", flightDatabase(), "--sql", "SELECT count(*) AS n, NULL AS missing FROM flight", "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("{\"columns\":[\"n\",\"missing\"],\"rows\":[[10,null]],\"elapsed_ms\":"), run.out());
    }

    @Test
    void rejectedQueryExitsTwoWithOneLine() {
        Run run = sqlrl("sql", "run", "--db", flightDatabase(), "--sql", "DROP TABLE flight");
        assertEquals(2, run.exitCode());
        assertEquals("sqlrl: REJECTED: only SELECT queries may run, but this statement begins with 'DROP'\n", run.err().replace("\r\n", "\n"));
    }

    @Test
    void failedQueryReportsItsCategoryAsJsonToo() {
        Run run = sqlrl("sql", "run", "--db", flightDatabase(), "--sql", "SELECT nope FROM flight", "--json");
        assertEquals(2, run.exitCode());
        assertTrue(run.out().startsWith("{\"error\":{\"category\":\"UNKNOWN_COLUMN\",\"message\":\"no such column: nope\"}"), run.out());
    }

    @Test
    void limitsComeFromTheOptions() {
        String db = flightDatabase();
        Run tooMany = sqlrl("sql", "run", "--db", db, "--sql", "SELECT * FROM flight", "--max-rows", "3");
        assertEquals(2, tooMany.exitCode());
        assertEquals("sqlrl: TOO_LARGE: the result has more than 3 rows\n", tooMany.err().replace("\r\n", "\n"));
        Run endless = sqlrl("sql", "run", "--db", db, "--timeout-ms", "100",
                "--sql", "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r");
        assertEquals(2, endless.exitCode());
        assertTrue(endless.err().startsWith("sqlrl: "), endless.err());
        Run badOption = sqlrl("sql", "run", "--db", db, "--sql", "SELECT 1", "--timeout-ms", "0");
        assertEquals(2, badOption.exitCode());
        assertEquals("sqlrl: --timeout-ms must be positive, got 0\n", badOption.err().replace("\r\n", "\n"));
    }

    @Test
    void missingDatabaseIsOneLineWithoutStackTrace() {
        Run run = sqlrl("sql", "run", "--db", "/nonexistent/x.sqlite", "--sql", "SELECT 1");
        assertEquals(2, run.exitCode());
        assertEquals("sqlrl: database file not found: /nonexistent/x.sqlite\n", run.err().replace("\r\n", "\n"));
        assertFalse(run.err().contains("Exception"));
    }
}
