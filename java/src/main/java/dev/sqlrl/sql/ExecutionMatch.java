package dev.sqlrl.sql;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Execution match (EX) of predicted SQL against gold SQL, with Spider's or BIRD's semantics
 * ({@link MatchOptions}), caching gold and predicted results by (database, normalized SQL), and a
 * batch API that runs pairs on a fixed number of threads. Thread-safe.
 *
 * <p>With {@link MatchOptions#spiderOfficial()} it reproduces {@code eval_exec_match} of the
 * official Spider evaluator: "value" becomes "1" in the prediction, both queries lose their
 * DISTINCT tokens and everything after the first statement, a prediction that fails scores 0,
 * and rows are ordered iff the processed gold contains "order by".
 */
public final class ExecutionMatch implements AutoCloseable {

    /** Hits and misses of the two caches. */
    public record CacheStatistics(ResultCache.Statistics gold, ResultCache.Statistics predictions) {}

    private final SqlSandbox sandbox;
    private final MatchOptions options;
    private final ResultCache goldCache;
    private final ResultCache predictionCache;
    private final ExecutorService workers;

    /** The sandbox stays the caller's: closing this does not close it. */
    public ExecutionMatch(SqlSandbox sandbox, MatchOptions options) {
        this.sandbox = sandbox;
        this.options = options;
        this.goldCache = new ResultCache(options.goldCacheEntries(), options.cacheBytes());
        this.predictionCache = new ResultCache(options.predictionCacheEntries(), options.cacheBytes());
        this.workers = Executors.newFixedThreadPool(options.threads(), runnable -> {
            Thread thread = new Thread(runnable, "sqlrl-ex");
            thread.setDaemon(true);
            return thread;
        });
    }

    public MatchOptions options() {
        return options;
    }

    /** Scores one pair on the calling thread. */
    public MatchOutcome match(Path database, String gold, String predicted) {
        String goldSql = gold;
        String predictedSql = predicted;
        boolean ordered;
        if (options.spiderPreprocessing()) {
            goldSql = SpiderQueryPreprocessor.forExecution(gold);
            predictedSql = SpiderQueryPreprocessor.forExecution(SpiderQueryPreprocessor.substituteValuePlaceholder(predicted));
            ordered = SpiderQueryPreprocessor.orderMatters(goldSql);
            goldSql = SpiderQueryPreprocessor.replaceCurrentYear(goldSql);
            predictedSql = SpiderQueryPreprocessor.replaceCurrentYear(predictedSql);
        } else {
            ordered = options.semantics() == MatchSemantics.SPIDER && SpiderQueryPreprocessor.hasOrderBy(gold);
        }
        ExecutionResult goldResult = executeGold(database, goldSql);
        ExecutionResult predictedResult = executePrediction(database, predictedSql);
        if (!goldResult.isSuccess()) {
            return new MatchOutcome(false, "gold failed: " + goldResult.summary(), goldResult, predictedResult, ordered);
        }
        if (!predictedResult.isSuccess()) {
            return new MatchOutcome(false, "prediction failed: " + predictedResult.summary(), goldResult, predictedResult, ordered);
        }
        Optional<String> mismatch = options.semantics() == MatchSemantics.SPIDER
                ? ResultComparator.spiderMismatch(goldResult.rows(), predictedResult.rows(), ordered)
                : ResultComparator.birdMatch(goldResult.rows(), predictedResult.rows())
                        ? Optional.empty()
                        : Optional.of("the sets of rows differ");
        return new MatchOutcome(mismatch.isEmpty(), mismatch.orElse(null), goldResult, predictedResult, ordered);
    }

    /** Scores all pairs on this matcher's threads; outcomes are in the order of the requests. */
    public List<MatchOutcome> matchAll(List<MatchRequest> requests) {
        List<CompletableFuture<MatchOutcome>> futures = new ArrayList<>(requests.size());
        for (MatchRequest request : requests) {
            futures.add(CompletableFuture.supplyAsync(() -> match(request.database(), request.gold(), request.predicted()), workers));
        }
        List<MatchOutcome> outcomes = new ArrayList<>(requests.size());
        for (CompletableFuture<MatchOutcome> future : futures) {
            try {
                outcomes.add(future.join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) throw cause;
                throw e;
            }
        }
        return outcomes;
    }

    /** Runs a gold query as given (no preprocessing), through the gold cache. */
    public ExecutionResult executeGold(Path database, String sql) {
        return goldCache.get(QueryCacheKey.of(database, sql), () -> sandbox.execute(database, sql));
    }

    /** Runs a prediction as given (no preprocessing), through the prediction cache. */
    public ExecutionResult executePrediction(Path database, String sql) {
        return predictionCache.get(QueryCacheKey.of(database, sql), () -> sandbox.execute(database, sql));
    }

    public CacheStatistics cacheStatistics() {
        return new CacheStatistics(goldCache.statistics(), predictionCache.statistics());
    }

    public void clearCaches() {
        goldCache.clear();
        predictionCache.clear();
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
