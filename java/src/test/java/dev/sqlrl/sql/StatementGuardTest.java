package dev.sqlrl.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatementGuardTest {

    private static Optional<String> check(String sql) {
        return StatementGuard.rejection(sql, 1_000);
    }

    @Test
    void acceptsOneReadOnlyQuery() {
        assertEquals(Optional.empty(), check("SELECT 1"));
        assertEquals(Optional.empty(), check("  select * from t;  -- done\n"));
        assertEquals(Optional.empty(), check("WITH x AS (SELECT 1) SELECT * FROM x"));
        assertEquals(Optional.empty(), check("WITH RECURSIVE x(n) AS (VALUES(1) UNION ALL SELECT n FROM x) SELECT n FROM x LIMIT 2"));
        assertEquals(Optional.empty(), check("VALUES (1)"));
        assertEquals(Optional.empty(), check("SELECT 'a;b', \"c;d\", [e;f] FROM t"));
    }

    @Test
    void reasonsNameWhatIsWrong() {
        assertEquals("only SELECT queries may run, but this statement begins with 'DELETE'", check("DELETE FROM t").orElseThrow());
        assertEquals("only SELECT queries may run, but this WITH statement ends in UPDATE",
                check("WITH x AS (SELECT 1) UPDATE t SET a = 1").orElseThrow());
        assertEquals("only one statement may run, but a second one follows the first ';' (it begins with 'DROP')",
                check("SELECT 1; DROP TABLE t").orElseThrow());
        assertEquals("the query is empty", check(" ").orElseThrow());
        assertEquals("the query holds no statement", check("-- nothing").orElseThrow());
        assertEquals("the query is 1001 characters long; at most 1000 are accepted", check("x".repeat(1001)).orElseThrow());
    }

    @Test
    void sqliteStringsHaveNoBackslashEscapes() {
        // In SQLite 'a\' is a whole string, so what follows the semicolon is a second statement.
        assertTrue(check("SELECT 'a\\'; DROP TABLE t; --'").isPresent());
    }

    @Test
    void refusesIntrospectionVirtualTablesButTheSchemasOwn() {
        assertEquals("the virtual table pragma_database_list is not allowed in the sandbox",
                check("SELECT * FROM PRAGMA_DATABASE_LIST").orElseThrow());
        assertEquals("the virtual table dbstat is not allowed in the sandbox", check("SELECT * FROM \"dbstat\"").orElseThrow());
        assertTrue(check("SELECT * FROM main.[pragma_compile_options]").isPresent());
        assertEquals(Optional.empty(), check("SELECT name FROM pragma_table_info('t')"));
    }

    @Test
    void refusesWhatWouldOverflowAParsersStack() {
        assertEquals("the query nests deeper than 64 levels (parentheses, CASE, NOT or signs)",
                StatementGuard.rejection("SELECT " + "(".repeat(65) + "1" + ")".repeat(65), 100_000).orElseThrow());
        assertEquals(Optional.empty(), StatementGuard.rejection("SELECT " + "(".repeat(60) + "1" + ")".repeat(60), 100_000));
        // a quote that one set of string rules reads differently cannot hide the nesting
        assertTrue(StatementGuard.rejection("SELECT '\\' " + "(".repeat(65) + "1" + ")".repeat(65) + " '", 100_000).isPresent());
    }

    @Test
    void sqliteGetsOnlyTheTextBeforeTheFirstSemicolonWithoutTrailingComments() {
        assertEquals("SELECT 1", StatementGuard.statementText("SELECT 1;  -- done\n"));
        assertEquals("SELECT ';' FROM t", StatementGuard.statementText("SELECT ';' FROM t /* c */"));
        assertEquals("SELECT 1", StatementGuard.statementText("SELECT 1 /* unterminated"));
        assertEquals("SELECT $a(", StatementGuard.statementText("SELECT $a(;DROP TABLE t)"));
    }
}
