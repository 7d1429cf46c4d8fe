package dev.sqlrl.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlSandboxTest {

    @TempDir
    static Path folder;

    private static Path database;

    /** A small database of our own, with a TEXT value holding Latin-1 bytes as some Spider databases do. */
    @BeforeAll
    static void createDatabase() throws SQLException {
        database = folder.resolve("values.sqlite");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT, height REAL, photo BLOB, note TEXT)");
            statement.execute("INSERT INTO person VALUES (1, 'Ann', 1.5, X'00FF', NULL)");
            // 'Jos' + 0xE9 (é in Latin-1) + ' M' + 0xFC (ü): not UTF-8.
            statement.execute("INSERT INTO person VALUES (2, CAST(X'4A6F73E9204DFC' AS TEXT), 2.0, NULL, 'x')");
            statement.execute("INSERT INTO person VALUES (3, 'Zoë', NULL, NULL, 'y')");
        }
    }

    private static SqlSandbox sandbox(SandboxLimits limits) {
        return new SqlSandbox(limits, 2);
    }

    @Test
    void valuesAreNormalizedToStorageClasses() {
        try (SqlSandbox sandbox = sandbox(SandboxLimits.defaults())) {
            ExecutionResult result = sandbox.execute(database, "SELECT id, name, height, photo, note FROM person WHERE id = 1");
            assertTrue(result.isSuccess(), result.summary());
            assertEquals(List.of("id", "name", "height", "photo", "note"), result.columns());
            assertEquals(Arrays.asList(1L, "Ann", 1.5, new SqlBlob(new byte[] {0, (byte) 0xFF}), null), result.rows().get(0));
            assertEquals(Long.class, sandbox.execute(database, "SELECT 3000000000").rows().get(0).get(0).getClass());
        }
    }

    @Test
    void latin1TextIsDecodedWithReplacement() {
        try (SqlSandbox sandbox = sandbox(SandboxLimits.defaults())) {
            ExecutionResult result = sandbox.execute(database, "SELECT name FROM person ORDER BY id");
            assertEquals(List.of(List.of("Ann"), List.of("Jos\uFFFD M\uFFFD"), List.of("Zoë")), result.rows());
            // The bytes stay as they are inside SQLite: comparisons there see the Latin-1 value.
            assertEquals(List.of(List.of(2L)), sandbox.execute(database, "SELECT id FROM person WHERE name = CAST(X'4A6F73E9204DFC' AS TEXT)").rows());
        }
    }

    @Test
    void errorsAreCategorized() {
        try (SqlSandbox sandbox = sandbox(SandboxLimits.defaults())) {
            assertEquals(ErrorCategory.UNKNOWN_TABLE, sandbox.execute(database, "SELECT * FROM people").errorCategory());
            assertEquals(ErrorCategory.UNKNOWN_COLUMN, sandbox.execute(database, "SELECT age FROM person").errorCategory());
            ExecutionResult syntax = sandbox.execute(database, "SELECT FROM person WHERE");
            assertEquals(ErrorCategory.SYNTAX_ERROR, syntax.errorCategory());
            assertEquals("near \"FROM\": syntax error", syntax.errorMessage());
            assertEquals(ErrorCategory.OTHER, sandbox.execute(database, "SELECT no_such_function(1)").errorCategory());
            assertEquals(ErrorCategory.REJECTED, sandbox.execute(database, "DELETE FROM person").errorCategory());
            // The connection that saw the errors still answers.
            assertEquals(List.of(List.of(3L)), sandbox.execute(database, "SELECT count(*) FROM person").rows());
        }
    }

    @Test
    void rowCapAndByteCapStopLargeResults() {
        try (SqlSandbox sandbox = sandbox(SandboxLimits.defaults().withMaxRows(2))) {
            ExecutionResult result = sandbox.execute(database, "SELECT * FROM person");
            assertEquals(ErrorCategory.TOO_LARGE, result.errorCategory());
            assertEquals("the result has more than 2 rows", result.errorMessage());
            assertTrue(sandbox.execute(database, "SELECT * FROM person LIMIT 2").isSuccess());
        }
        try (SqlSandbox sandbox = sandbox(SandboxLimits.defaults().withMaxResultBytes(100_000))) {
            ExecutionResult result = sandbox.execute(database,
                    "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 100) SELECT zeroblob(10000) FROM r");
            assertEquals(ErrorCategory.TOO_LARGE, result.errorCategory());
            assertEquals("the result is larger than 100000 bytes", result.errorMessage());
        }
    }

    @Test
    void budgetAndDeadlineAreToldApart() {
        String endless = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r";
        try (SqlSandbox sandbox = sandbox(SandboxLimits.defaults().withInstructionBudget(1_000_000))) {
            ExecutionResult result = sandbox.execute(database, endless);
            assertEquals(ErrorCategory.BUDGET_EXCEEDED, result.errorCategory());
            assertEquals("the query ran more than 1000000 SQLite instructions", result.errorMessage());
        }
        try (SqlSandbox sandbox = sandbox(SandboxLimits.defaults().withInstructionBudget(Long.MAX_VALUE).withTimeoutMillis(200))) {
            sandbox.execute(database, "SELECT 1"); // starts the worker process, which is not the deadline's business
            long start = System.nanoTime();
            ExecutionResult result = sandbox.execute(database, endless);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ErrorCategory.TIMEOUT, result.errorCategory());
            // never before the deadline; after it, generously: a loaded CI runner delays the progress handler's check
            assertTrue(millis >= 200 && millis < 200 + 2_000, "stopped after " + millis + " ms");
        }
    }

    @Test
    void instructionBudgetIsDeterministic() {
        String counting = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 20000) SELECT count(*) FROM r";
        // The same query passes or fails the same budget every time, whatever the machine's speed.
        for (long budget : new long[] {50_000, 5_000_000}) {
            try (SqlSandbox sandbox = sandbox(SandboxLimits.defaults().withInstructionBudget(budget))) {
                ErrorCategory first = sandbox.execute(database, counting).errorCategory();
                for (int i = 0; i < 5; i++) assertEquals(first, sandbox.execute(database, counting).errorCategory());
            }
        }
    }

    @Test
    void missingDatabaseIsTheUsersError() {
        try (SqlSandbox sandbox = sandbox(SandboxLimits.defaults())) {
            UserInputException e = assertThrows(UserInputException.class, () -> sandbox.execute(folder.resolve("nope.sqlite"), "SELECT 1"));
            assertTrue(e.getMessage().contains("nope.sqlite"), e.getMessage());
        }
        assertFalse(folder.resolve("nope.sqlite").toFile().exists(), "opening must not create the file");
    }

    @Test
    void threadsShareTheSandbox() throws Exception {
        try (SqlSandbox sandbox = sandbox(SandboxLimits.defaults())) {
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<ExecutionResult>> futures = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    String sql = "SELECT id * " + i + " FROM person ORDER BY id";
                    futures.add(threads.submit(() -> sandbox.execute(database, sql)));
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertEquals(List.of(List.of(1L * i), List.of(2L * i), List.of(3L * i)), futures.get(i).get().rows());
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }
}
