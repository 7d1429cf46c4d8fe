package dev.sqlrl.cli;

import static dev.sqlrl.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.cli.CliRun.Result;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlCommandTest {

    @TempDir
    static Path dir;
    private static Path flights;

    /** A copy of the flight table of Spider's flight_1 (its rows and column types), built here: no ../shared needed. */
    @BeforeAll
    static void createFlightDatabase() throws SQLException {
        flights = dir.resolve("flight_1.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + flights); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE flight(flno number(4,0) primary key, origin varchar2(20), destination varchar2(20),"
                    + " distance number(6,0), price number(7,2))");
            s.executeUpdate("INSERT INTO flight VALUES (2, 'Los Angeles', 'Tokyo', 5478, 780.99),"
                    + " (7, 'Los Angeles', 'Sydney', 7487, 278.56), (13, 'Los Angeles', 'Chicago', 1749, 220.98),"
                    + " (33, 'Los Angeles', 'Honolulu', 2551, 375.23), (34, 'Los Angeles', 'Honolulu', 2551, 425.98),"
                    + " (68, 'Chicago', 'New York', 802, 202.45), (76, 'Chicago', 'Los Angeles', 1749, 220.98),"
                    + " (99, 'Los Angeles', 'Washington D.C.', 2308, 235.98), (346, 'Los Angeles', 'Dallas', 1251, 182),"
                    + " (387, 'Los Angeles', 'Boston', 2606, 261.56)");
        }
    }

    private static String flightDatabase() {
        return flights.toString();
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
        // --max-rows shows the first rows of a longer result and says so; it does not fail the query
        Result firstRows = run("sql", "run", "--db", db, "--sql", "SELECT flno FROM flight ORDER BY flno", "--max-rows", "3");
        assertEquals(0, firstRows.code(), firstRows.err());
        assertEquals("flno\n2\n7\n13\n(10 rows, the first 3 shown: --max-rows 3)\n", firstRows.out().replace("\r\n", "\n"));
        Result firstRowsJson = run("sql", "run", "--db", db, "--sql", "SELECT flno FROM flight ORDER BY flno", "--max-rows", "2",
                "--json");
        assertEquals(0, firstRowsJson.code(), firstRowsJson.err());
        assertTrue(firstRowsJson.out().startsWith("{\"columns\":[\"flno\"],\"rows\":[[2],[7]],\"elapsed_ms\":")
                && firstRowsJson.out().contains("\"total_rows\":10,\"truncated\":true}"), firstRowsJson.out());
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
