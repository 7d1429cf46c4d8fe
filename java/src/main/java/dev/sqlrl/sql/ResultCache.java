package dev.sqlrl.sql;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A least-recently-used cache of execution results, bounded by entries and by the bytes of the
 * cached rows. Hand-written: a synchronized LinkedHashMap in access order does it in a few lines,
 * where a caching library would be a new dependency. Results that another run could change (a
 * timeout) are not kept.
 */
public final class ResultCache {

    /** Counters since the cache was made. */
    public record Statistics(long hits, long misses, int entries, long bytes) {}

    private final int maxEntries;
    private final long maxBytes;
    private final LinkedHashMap<QueryCacheKey, ExecutionResult> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private long bytes;

    public ResultCache(int maxEntries, long maxBytes) {
        if (maxEntries < 0 || maxBytes < 0) throw new IllegalArgumentException("cache bounds must not be negative");
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** The cached result for {@code key}, or the one {@code execute} computes (outside the lock, so threads do not wait on each other's queries). */
    public ExecutionResult get(QueryCacheKey key, Supplier<ExecutionResult> execute) {
        synchronized (this) {
            ExecutionResult cached = entries.get(key);
            if (cached != null) {
                hits.incrementAndGet();
                return cached;
            }
        }
        misses.incrementAndGet();
        ExecutionResult result = execute.get();
        if (!result.isTransient()) put(key, result);
        return result;
    }

    private synchronized void put(QueryCacheKey key, ExecutionResult result) {
        long size = result.approximateBytes() + 2L * key.normalizedSql().length() + 64;
        if (maxEntries == 0 || size > maxBytes) return;
        ExecutionResult previous = entries.put(key, result);
        if (previous != null) bytes -= previous.approximateBytes() + 2L * key.normalizedSql().length() + 64;
        bytes += size;
        var eldest = entries.entrySet().iterator();
        while ((entries.size() > maxEntries || bytes > maxBytes) && eldest.hasNext()) {
            Map.Entry<QueryCacheKey, ExecutionResult> entry = eldest.next();
            bytes -= entry.getValue().approximateBytes() + 2L * entry.getKey().normalizedSql().length() + 64;
            eldest.remove();
        }
    }

    public synchronized void clear() {
        entries.clear();
        bytes = 0;
    }

    public synchronized Statistics statistics() {
        return new Statistics(hits.get(), misses.get(), entries.size(), bytes);
    }
}
