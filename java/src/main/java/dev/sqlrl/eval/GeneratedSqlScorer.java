package dev.sqlrl.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLayout;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.SpiderSchemas;
import dev.sqlrl.generation.GeneratedSql;
import dev.sqlrl.generation.GenerationResult;
import dev.sqlrl.generation.Sample;
import dev.sqlrl.sql.ExecutionMatch;
import dev.sqlrl.sql.MatchOptions;
import dev.sqlrl.sql.SandboxLimits;
import dev.sqlrl.sql.SqlSandbox;
import dev.sqlrl.sql.spider.SpiderSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores what a model answered, with the machinery of eval-sql ({@link PredictionScorer}): EX, EM,
 * hardness, failure category, and vote@k by execution result when an example has several samples.
 * The schemas Spider's parser needs come from the dataset itself, so BIRD and own JSONL data are
 * scored too. An answer without SQL scores EX 0 with category {@link FailureKind#NO_SQL}.
 *
 * <p>EX semantics by layout: Spider as the official evaluator; BIRD as BIRD's evaluator (sets of
 * rows), with mini-dev's Soft-F1 beside it ({@link BirdSoftF1}); own data as Spider's comparison (order counts when the gold has ORDER BY) without the
 * official query rewriting, which exists only to reproduce Spider's published numbers.
 *
 * <p>Owns a SQL sandbox and its gold/prediction caches, which carry over between calls (trainers
 * score the same golds every few steps); close it when done. Thread-safe.
 */
public final class GeneratedSqlScorer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int threads;
    private final SqlSandbox sandbox = new SqlSandbox(SandboxLimits.defaults());
    private final Map<DatasetLayout, ExecutionMatch> matchers = new EnumMap<>(DatasetLayout.class);
    private final BirdRves.QueryTimer rvesTimer;

    public GeneratedSqlScorer(int threads) {
        this(threads, null);
    }

    /**
     * @param rvesTimer times query runs for BIRD mini-dev's R-VES on BIRD data ({@link BirdRves#sqliteSeconds}), or
     *                  null for no R-VES: it runs every correct prediction and its gold {@link BirdRves#ITERATIONS}
     *                  times each
     */
    public GeneratedSqlScorer(int threads, BirdRves.QueryTimer rvesTimer) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        this.rvesTimer = rvesTimer;
    }

    /** Scores every generation; the report's results are in the order of {@code generation.generated()}. */
    public EvaluationReport score(Dataset dataset, GenerationResult generation) {
        List<GeneratedSql> generated = generation.generated();
        List<PredictionRecord> records = new ArrayList<>(generated.size());
        for (int i = 0; i < generated.size(); i++) {
            records.add(record(i + 1, generated.get(i)));
        }
        Map<String, SpiderSchema> schemas = new TreeMap<>();
        Map<String, Path> databases = new HashMap<>();
        for (GeneratedSql g : generated) {
            Example example = g.example();
            schemas.computeIfAbsent(example.dbId(), id -> SpiderSchemas.of(dataset.schemaOf(example)));
            databases.putIfAbsent(example.dbId(), example.dbPath());
        }
        PredictionScorer scorer = new PredictionScorer(schemas, databases::get, matcher(dataset.layout()));
        if (dataset.layout() == DatasetLayout.BIRD) {
            scorer = scorer.withSoftF1();
        }
        List<PairResult> scored = scorer.scoreAll(records, dataset.source(), threads);
        List<PairResult> results = new ArrayList<>(scored.size());
        for (int i = 0; i < scored.size(); i++) {
            results.add(markMissingSql(scored.get(i), generated.get(i)));
        }
        if (rvesTimer != null && dataset.layout() == DatasetLayout.BIRD) {
            results = BirdRves.withRewards(results, databases::get, rvesTimer);
        }
        return EvaluationReport.of(results, generated, generation.skippedCount());
    }

    /**
     * The eval-sql predictions line of one generation: id, db_id, question, gold, and "pred" (one
     * sample) or "preds" (vote@k), with the answers' text; a sample without SQL predicts "".
     */
    public static PredictionRecord record(int line, GeneratedSql generated) {
        Example example = generated.example();
        ObjectNode source = JSON.createObjectNode();
        source.put("id", example.id());
        source.put("db_id", example.dbId());
        source.put("question", example.question());
        source.put("gold", example.goldSql());
        List<String> predictions = generated.samples().stream().map(s -> s.sql().orElse("")).toList();
        boolean voting = predictions.size() > 1;
        if (voting) {
            ArrayNode preds = source.putArray("preds");
            predictions.forEach(preds::add);
            ArrayNode texts = source.putArray("completions");
            generated.samples().forEach(s -> texts.add(s.text()));
        } else {
            source.put("pred", predictions.getFirst());
            source.put("completion", generated.samples().getFirst().text());
        }
        return new PredictionRecord(line, example.dbId(), example.goldSql(), predictions, voting, source);
    }

    private static PairResult markMissingSql(PairResult result, GeneratedSql generated) {
        Sample chosen = generated.samples().get(result.chosenIndex());
        if (result.ex() || result.failure() == FailureKind.GOLD_FAILED || chosen.sql().isPresent()) return result;
        String why = chosen.truncated() ? "no SQL in the answer (it hit the new-token limit)" : "no SQL in the answer";
        return new PairResult(result.record(), false, result.em(), result.hardness(), why, FailureKind.NO_SQL,
                result.chosenIndex(), result.votes(), result.softF1(), result.rvesReward());
    }

    private synchronized ExecutionMatch matcher(DatasetLayout layout) {
        return matchers.computeIfAbsent(layout, l -> new ExecutionMatch(sandbox, switch (l) {
            case SPIDER -> MatchOptions.spiderOfficial().withThreads(threads);
            case BIRD -> MatchOptions.bird().withThreads(threads);
            case JSONL -> MatchOptions.spiderOfficial().withSpiderPreprocessing(false).withThreads(threads);
        }));
    }

    @Override
    public synchronized void close() {
        matchers.values().forEach(ExecutionMatch::close);
        matchers.clear();
        sandbox.close();
    }
}
