package dev.sqlrl.reward;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Bounded cache of {@link SqlScores} keyed by (database, normalized SQL, gold SQL). Reads take no
 * lock, so scoring threads do not queue behind each other on hits; when full, the oldest entries
 * go first (insertion order: GRPO repeats a query within a step, not across many steps). Scores are
 * computed outside any lock; two threads missing on the same key may both compute it (same result,
 * pure function).
 */
final class SqlScoreCache {
    record Key(Path database, String normalizedSql, String gold) {}

    private final int maxEntries;
    private final ConcurrentHashMap<Key, SqlScores> entries = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Key> insertionOrder = new ConcurrentLinkedQueue<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    SqlScoreCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    SqlScores get(Key key, Supplier<SqlScores> compute) {
        SqlScores cached = entries.get(key);
        if (cached != null) {
            hits.increment();
            return cached;
        }
        misses.increment();
        SqlScores computed = compute.get();
        if (maxEntries > 0 && computed.cacheable() && entries.putIfAbsent(key, computed) == null) {
            insertionOrder.add(key);
            while (entries.size() > maxEntries) {
                Key oldest = insertionOrder.poll();
                if (oldest == null) {
                    break;
                }
                entries.remove(oldest);
            }
        }
        return computed;
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }

    int size() {
        return entries.size();
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
