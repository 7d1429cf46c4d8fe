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
}
