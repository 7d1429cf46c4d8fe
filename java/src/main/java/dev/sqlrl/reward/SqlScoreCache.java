package dev.sqlrl.reward;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Least-recently-used cache of {@link SqlScores} keyed by (database, normalized SQL, gold SQL).
 * Scores are computed outside the lock so that threads do not wait on each other's queries; two
 * threads missing on the same key may both compute it (same result, pure function).
 */
final class SqlScoreCache {
    record Key(Path database, String normalizedSql, String gold) {}

    private final int maxEntries;
    private final Map<Key, SqlScores> entries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    SqlScoreCache(int maxEntries) {
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, SqlScores> eldest) {
                return size() > SqlScoreCache.this.maxEntries;
            }
        };
    }

    SqlScores get(Key key, Supplier<SqlScores> compute) {
        if (maxEntries == 0) {
            misses.incrementAndGet();
            return compute.get();
        }
        synchronized (this) {
            SqlScores cached = entries.get(key);
            if (cached != null) {
                hits.incrementAndGet();
                return cached;
            }
        }
        misses.incrementAndGet();
        SqlScores computed = compute.get();
        if (computed.cacheable()) {
            synchronized (this) {
                entries.put(key, computed);
            }
        }
        return computed;
    }

    long hits() {
        return hits.get();
    }

    long misses() {
        return misses.get();
    }

    synchronized void clear() {
        entries.clear();
    }

    /** SQL with runs of whitespace outside quotes made one space and a trailing ';' removed: the same query for the cache. */
    static String normalize(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        char quote = 0;
        boolean pendingSpace = false;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                pendingSpace = !out.isEmpty();
                continue;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            out.append(c);
            if (quote != 0 && c == quote) {
                quote = 0;
            } else if (quote == 0 && (c == '\'' || c == '"' || c == '`')) {
                quote = c;
            }
        }
        int end = out.length();
        while (end > 0 && (out.charAt(end - 1) == ';' || out.charAt(end - 1) == ' ')) {
            end--;
        }
        return out.substring(0, end);
    }
}
