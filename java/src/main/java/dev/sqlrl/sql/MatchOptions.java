package dev.sqlrl.sql;

/**
 * How {@link ExecutionMatch} scores pairs.
 *
 * @param semantics how results are compared
 * @param spiderPreprocessing rewrite queries as the official Spider evaluator does ("value" to "1"
 *     in predictions, DISTINCT removed, only the first statement, "order by" decides ordering);
 *     needed to agree with official Spider numbers, off for plain execution comparison
 * @param threads worker threads of {@link ExecutionMatch#matchAll}
 * @param goldCacheEntries gold results kept (a gold query is run once per batch of samples)
 * @param predictionCacheEntries prediction results kept (sampled predictions repeat)
 * @param cacheBytes bound on the rows held by each of the two caches
 */
public record MatchOptions(
        MatchSemantics semantics, boolean spiderPreprocessing, int threads, int goldCacheEntries, int predictionCacheEntries, long cacheBytes) {

    public MatchOptions {
        if (semantics == null) throw new IllegalArgumentException("match semantics must be given");
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (goldCacheEntries < 0 || predictionCacheEntries < 0 || cacheBytes < 0) {
            throw new IllegalArgumentException("cache sizes must not be negative");
        }
    }

    /** As the official Spider evaluator scores EX. */
    public static MatchOptions spiderOfficial() {
        return new MatchOptions(MatchSemantics.SPIDER, true, Math.max(1, Runtime.getRuntime().availableProcessors()), 10_000, 10_000, 256L << 20);
    }

    /** As BIRD's evaluator scores EX. */
    public static MatchOptions bird() {
        return new MatchOptions(MatchSemantics.BIRD, false, Math.max(1, Runtime.getRuntime().availableProcessors()), 10_000, 10_000, 256L << 20);
    }

    public MatchOptions withThreads(int count) {
        return new MatchOptions(semantics, spiderPreprocessing, count, goldCacheEntries, predictionCacheEntries, cacheBytes);
    }

    public MatchOptions withSpiderPreprocessing(boolean enabled) {
        return new MatchOptions(semantics, enabled, threads, goldCacheEntries, predictionCacheEntries, cacheBytes);
    }

    public MatchOptions withCacheEntries(int gold, int predictions) {
        return new MatchOptions(semantics, spiderPreprocessing, threads, gold, predictions, cacheBytes);
    }
}
