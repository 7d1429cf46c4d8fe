package dev.sqlrl.eval;

import dev.sqlrl.UserInputException;
import dev.sqlrl.sql.ExecutionMatch;
import dev.sqlrl.sql.ExecutionResult;
import dev.sqlrl.sql.MatchOutcome;
import dev.sqlrl.sql.ResultComparator;
import dev.sqlrl.sql.spider.Hardness;
import dev.sqlrl.sql.spider.SpiderEvaluator;
import dev.sqlrl.sql.spider.SpiderMatchResult;
import dev.sqlrl.sql.spider.SpiderParseException;
import dev.sqlrl.sql.spider.SpiderSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Scores predictions lines: EX with the official Spider semantics ({@link ExecutionMatch}), EM and
 * hardness ({@link SpiderEvaluator}), vote@k for lines with several candidates, and the failure category.
 * Databases live at {@code <dbDir>/<db_id>/<db_id>.sqlite}.
 */
public final class PredictionScorer {
    private final Map<String, SpiderSchema> schemas;
    private final Function<String, Path> databaseOf;
    private final ExecutionMatch executionMatch;
    private final Map<String, SpiderEvaluator> evaluators = new ConcurrentHashMap<>();
    private final boolean softF1;

    /** The execution matcher stays the caller's (it is not closed here). */
    public PredictionScorer(Map<String, SpiderSchema> schemas, Path databaseDir, ExecutionMatch executionMatch) {
        this(schemas, dbId -> databaseDir.resolve(dbId).resolve(dbId + ".sqlite"), executionMatch);
    }

    /** For databases found elsewhere than {@code <dbDir>/<db_id>/<db_id>.sqlite} (own JSONL data names its files). */
    public PredictionScorer(Map<String, SpiderSchema> schemas, Function<String, Path> databaseOf,
                            ExecutionMatch executionMatch) {
        this(schemas, databaseOf, executionMatch, false);
    }

    private PredictionScorer(Map<String, SpiderSchema> schemas, Function<String, Path> databaseOf,
                             ExecutionMatch executionMatch, boolean softF1) {
        this.schemas = Map.copyOf(schemas);
        this.databaseOf = databaseOf;
        this.executionMatch = executionMatch;
        this.softF1 = softF1;
    }

    /** This scorer, also computing BIRD mini-dev's Soft-F1 of each chosen prediction (for BIRD data). */
    public PredictionScorer withSoftF1() {
        return new PredictionScorer(schemas, databaseOf, executionMatch, true);
    }

    /** Scores every line on {@code threads} threads; results are in the order of the lines. */
    public List<PairResult> scoreAll(List<PredictionRecord> records, Path predictionsFile, int threads) {
        for (PredictionRecord record : records) {
            database(record, predictionsFile);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<PairResult>> futures = new ArrayList<>();
            for (PredictionRecord record : records) {
                futures.add(pool.submit(() -> score(record, predictionsFile)));
            }
            List<PairResult> results = new ArrayList<>();
            for (Future<PairResult> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    public PairResult score(PredictionRecord record, Path predictionsFile) {
        Path database = database(record, predictionsFile);
        List<MatchOutcome> outcomes = new ArrayList<>();
        for (String prediction : record.predictions()) {
            outcomes.add(executionMatch.match(database, record.gold(), prediction));
        }
        ExecutionVote.Choice choice = record.voting()
                ? ExecutionVote.choose(outcomes.stream().map(MatchOutcome::predicted).toList())
                : new ExecutionVote.Choice(0, 1);
        MatchOutcome chosen = outcomes.get(choice.index());
        SpiderEvaluator evaluator = evaluators.computeIfAbsent(record.dbId(), id -> new SpiderEvaluator(schemas.get(id)));
        Hardness hardness = null;
        boolean em = false;
        try {
            SpiderMatchResult match = evaluator.evaluate(record.gold(), record.predictions().get(choice.index()));
            hardness = match.hardness();
            em = match.exactMatch();
        } catch (SpiderParseException goldOutsideGrammar) {
            // The official evaluator cannot parse this gold either: no hardness, no EM.
        }
        FailureKind failure = chosen.match() ? null : failureOf(chosen);
        return new PairResult(record, chosen.match(), em, hardness, chosen.match() ? null : chosen.reason(), failure,
                choice.index(), choice.votes(), softF1 ? softF1Of(chosen) : null, null);
    }

    private Path database(PredictionRecord record, Path predictionsFile) {
        if (!schemas.containsKey(record.dbId())) {
            throw new UserInputException(predictionsFile + ":" + record.line() + ": db_id '" + record.dbId()
                    + "' is not in the tables file");
        }
        Path database = databaseOf.apply(record.dbId());
        if (!Files.isRegularFile(database)) {
            throw new UserInputException(predictionsFile + ":" + record.line() + ": database file " + database
                    + " not found");
        }
        return database;
    }

    /** The official script scores 0 whenever a query raises, the gold's included. */
    private static double softF1Of(MatchOutcome outcome) {
        if (outcome.goldFailed() || !outcome.predicted().isSuccess()) return 0.0;
        return BirdSoftF1.score(outcome.predicted().rows(), outcome.gold().rows());
    }

    static FailureKind failureOf(MatchOutcome outcome) {
        if (outcome.goldFailed()) {
            return FailureKind.GOLD_FAILED;
        }
        ExecutionResult predicted = outcome.predicted();
        if (!predicted.isSuccess()) {
            return FailureKind.ofExecutionError(predicted.errorCategory());
        }
        List<List<Object>> goldRows = outcome.gold().rows();
        List<List<Object>> predRows = predicted.rows();
        if (goldRows.size() != predRows.size()) {
            return FailureKind.WRONG_ROW_COUNT;
        }
        if (!goldRows.isEmpty() && goldRows.getFirst().size() != predRows.getFirst().size()) {
            return FailureKind.WRONG_COLUMNS;
        }
        if (outcome.goldOrdered() && ResultComparator.spiderMatch(goldRows, predRows, false)) {
            return FailureKind.WRONG_ORDER;
        }
        return FailureKind.WRONG_VALUES;
    }
}
