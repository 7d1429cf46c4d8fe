package dev.sqlrl.cli;

import static dev.sqlrl.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sqlrl.cli.CliRun.Result;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void atFileArgumentsAreTextNotFileReads(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "root:x:0:0:SECRET-CONTENT\n");
        Result run = run("sql", "run", "--db", flightDatabase(), "--sql", "@" + secret);
        assertEquals(2, run.code());
        assertFalse(run.out().contains("SECRET-CONTENT") || run.err().contains("SECRET-CONTENT"), run.out() + run.err());
        assertTrue(run.err().startsWith("sqlrl: "), run.err());
        Result root = run("sql", "run", "--db", flightDatabase(), "--sql", "@/");
        assertEquals(2, root.code());
        assertFalse(root.err().contains("\tat "), "a stack trace: " + root.err());
    }

    @Test
    void readsTheQueryFromAFileOrStdin(@TempDir Path dir) throws Exception {
        Path query = dir.resolve("query.sql");
        Files.writeString(query, "SELECT count(*) AS n\nFROM flight;\n");
        Result fromFile = run("sql", "run", "--db", flightDatabase(), "--sql-file", query.toString(), "--json");
        assertEquals(0, fromFile.code(), fromFile.err());
        assertTrue(fromFile.out().startsWith("{\"columns\":[\"n\"],\"rows\":[[10]]"), fromFile.out());

        InputStream oldIn = System.in;
        System.setIn(new ByteArrayInputStream("SELECT count(*) AS n FROM flight".getBytes(StandardCharsets.UTF_8)));
        try {
            Result fromStdin = run("sql", "run", "--db", flightDatabase(), "--sql", "-", "--json");
            assertEquals(0, fromStdin.code(), fromStdin.err());
            assertTrue(fromStdin.out().startsWith("{\"columns\":[\"n\"],\"rows\":[[10]]"), fromStdin.out());
        } finally {
            System.setIn(oldIn);
        }

        Result both = run("sql", "run", "--db", flightDatabase(), "--sql", "SELECT 1", "--sql-file", query.toString());
        assertEquals(2, both.code());
        assertEquals("sqlrl: give the query with exactly one of --sql TEXT, --sql - (stdin) or --sql-file FILE\n", both.err().replace("\r\n", "\n"));
        Result missing = run("sql", "run", "--db", flightDatabase(), "--sql-file", dir.resolve("nope.sql").toString());
        assertEquals(2, missing.code());
        assertEquals("sqlrl: --sql-file: file not found: " + dir.resolve("nope.sql") + "\n", missing.err().replace("\r\n", "\n"));
    }

    @Test
    void errorMessagesStayOnOneLineWhateverTheLineSeparator() {
        for (String separator : new String[] {"\n", "\r", "\u0085", "\u2028", "\u2029", "\u000b", "\u000c"}) {
            Result run = run("sql", "run", "--db", flightDatabase(), "--sql", "SELECT * FROM no" + separator + "such");
            assertEquals(2, run.code());
            String err = run.err().replace("\r\n", "\n");
            assertEquals(1, err.split("[\n\r\u0085\u2028\u2029\u000b\u000c]", -1).length - 1, "not one line: " + err);
        }
    }
}
