package dev.sqlrl.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SqlScoreCacheTest {
    private static final SqlScores SCORES = new SqlScores(ExecutionOutcome.CORRECT, null, 1, 1, 1, true);

    private static SqlScoreCache.Key key(int i) {
        return new SqlScoreCache.Key(Path.of("db.sqlite"), "SELECT " + i, "SELECT 1");
    }

    @Test
    void keepsAtMostMaxEntriesDroppingTheOldest() {
        SqlScoreCache cache = new SqlScoreCache(2);
        AtomicInteger computed = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            cache.get(key(i), () -> {
                computed.incrementAndGet();
                return SCORES;
            });
        }
        assertEquals(2, cache.size());
        cache.get(key(2), () -> { computed.incrementAndGet(); return SCORES; });
        assertEquals(3, computed.get(), "the newest entry is still there");
        cache.get(key(0), () -> { computed.incrementAndGet(); return SCORES; });
        assertEquals(4, computed.get(), "the oldest was dropped");
        assertEquals(1, cache.hits());
    }

    @Test
    void failuresThatMayNotRepeatAreNotKept() {
        SqlScoreCache cache = new SqlScoreCache(10);
        SqlScores timeout = new SqlScores(ExecutionOutcome.FAILED, "TIMEOUT", 1, 1, 0, false);
        assertSame(timeout, cache.get(key(1), () -> timeout));
        assertEquals(0, cache.size());
    }

    @Test
    void normalizesWhitespaceOutsideQuotesAndTheTrailingSemicolon() {
        assertEquals("SELECT a FROM t WHERE b = 'x  y'", SqlScoreCache.normalize("  SELECT a\n\tFROM t WHERE b = 'x  y' ;\n"));
        assertEquals("SELECT \"a  b\" FROM t", SqlScoreCache.normalize("SELECT \"a  b\"   FROM t;;"));
    }
}
