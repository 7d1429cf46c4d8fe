package dev.sqlrl.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SqlParsingTest {
    @Test
    void parsesOrRejects() {
        assertTrue(SqlParsing.parse("SELECT a FROM t WHERE b IN (SELECT b FROM u WHERE c = ')')").isPresent());
        assertFalse(SqlParsing.parse("SELEC a FRM t").isPresent());
        assertFalse(SqlParsing.parse("SELECT a FROM t WHERE b = 'unterminated").isPresent());
    }

    @Test
    void truncatedDeeplyNestedQueriesAreRejectedQuickly() {
        // JSqlParser's complex-parsing retry needs 20 s and more for these; they must not stall reward threads.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertFalse(SqlParsing.parse("SELECT " + "(".repeat(12) + "1 FROM t").isPresent());
            assertFalse(SqlParsing.parse("SELECT " + "(".repeat(8) + "1 FROM t" + ")".repeat(8)).isPresent());
            assertFalse(SqlParsing.parse("SELECT count(*) FROM t WHERE a = (SELECT max(a) FROM (SELECT a FROM t WHERE").isPresent());
        });
    }

    @Test
    void whatWouldOverflowTheParsersStackIsRejectedByShapeNotByStackOverflowError() {
        String cteChain = "WITH a0 AS (SELECT 1 AS v)"
                + java.util.stream.IntStream.range(1, 2000).mapToObj(i -> ", a" + i + " AS (SELECT v FROM a" + (i - 1) + ")")
                        .collect(java.util.stream.Collectors.joining())
                + " SELECT v FROM a1999";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (String hostile : java.util.List.of(
                    "SELECT " + "(".repeat(1000) + "1" + ")".repeat(1000),
                    "SELECT * FROM " + "(SELECT * FROM ".repeat(1000) + "t" + ")".repeat(1000),
                    "SELECT 1 WHERE " + "NOT ".repeat(5000) + "1",
                    "SELECT " + "- ".repeat(5000) + "1",
                    "SELECT " + "CASE WHEN 1 THEN ".repeat(500) + "1" + " END".repeat(500),
                    "SELECT " + "(".repeat(1000) + "1",
                    cteChain,
                    "SELECT '" + "x".repeat(SqlParsing.MAX_CHARS) + "'")) {
                java.util.concurrent.atomic.AtomicReference<String> reason = new java.util.concurrent.atomic.AtomicReference<>();
                try {
                    SqlParsing.parseOrThrow(hostile);
                } catch (net.sf.jsqlparser.JSQLParserException e) {
                    reason.set(e.getMessage());
                }
                assertTrue(reason.get() != null && (reason.get().contains("nests deeper") || reason.get().contains("common table")
                        || reason.get().contains("characters long")), "rejected for " + reason.get());
            }
        });
        assertTrue(SqlParsing.parse("SELECT " + "abs(".repeat(40) + "1" + ")".repeat(40)).isPresent(), "40 levels are fine");
    }
}
