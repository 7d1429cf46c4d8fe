package dev.sqlrl.reward;

import dev.sqlrl.data.AnswerFormat;
import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.SpiderSchemas;
import dev.sqlrl.data.SqlExtractor;
import dev.sqlrl.sql.SqlParsing;
import dev.sqlrl.sql.ExecutionMatch;
import dev.sqlrl.sql.MatchOutcome;
import dev.sqlrl.sql.spider.SpiderEvaluator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.Select;

/**
 * The reward of a completion for an example: extracts the SQL, scores every {@link RewardComponent}
 * and sums them with the configured weights. A pure function of (completion, example), safe to call
 * from many threads at once; the SQL-dependent scores are cached by (database, normalized SQL, gold)
 * and query results by the {@link ExecutionMatch}'s own caches.
 */
public final class SqlRewardFunction {
    private final RewardConfig config;
    private final AnswerFormat answerFormat;
    private final Function<Example, DatabaseSchema> schemas;
    private final ExecutionMatch executionMatch;
    private final SqlScoreCache cache;
    private final Map<String, SpiderEvaluator> evaluators = new ConcurrentHashMap<>();

    /**
     * @param answerFormat   the format the prompt template asked for (what the format component checks)
     * @param schemas        the schema of an example's database (e.g. {@code dataset::schemaOf})
     * @param executionMatch runs and compares queries (its match options decide Spider or BIRD semantics)
     */
    public SqlRewardFunction(RewardConfig config, AnswerFormat answerFormat, Function<Example, DatabaseSchema> schemas,
                             ExecutionMatch executionMatch) {
        this.config = config;
        this.answerFormat = answerFormat;
        this.schemas = schemas;
        this.executionMatch = executionMatch;
        this.cache = new SqlScoreCache(config.cacheEntries());
    }

    public RewardConfig config() {
        return config;
    }

    public RewardBreakdown score(String completion, Example example) {
        Map<RewardComponent, Double> components = new EnumMap<>(RewardComponent.class);
        components.put(RewardComponent.FORMAT, answerFormat.isFollowedBy(completion) ? 1.0 : 0.0);
        components.put(RewardComponent.LENGTH, LengthPenalty.score(completion, config.targetChars(), config.maxChars()));
        Optional<String> extracted = SqlExtractor.extract(completion);
        SqlScores scores = extracted
                .map(sql -> cache.get(new SqlScoreCache.Key(example.dbPath(), SqlScoreCache.normalize(sql), example.goldSql()),
                        () -> scoreSql(sql, example)))
                .orElse(new SqlScores(ExecutionOutcome.NO_SQL, "no SQL found in the completion", 0, 0, 0, false));
        components.put(RewardComponent.EXECUTION, executionValue(scores.outcome()));
        components.put(RewardComponent.SYNTAX, scores.syntax());
        components.put(RewardComponent.SCHEMA_GROUNDING, scores.schemaGrounding());
        components.put(RewardComponent.CLAUSE_F1, scores.clauseF1());
        double total = 0;
        for (Map.Entry<RewardComponent, Double> entry : components.entrySet()) {
            total += config.weight(entry.getKey()) * entry.getValue();
        }
        return new RewardBreakdown(total, components, extracted.orElse(null), scores.outcome(), scores.detail());
    }

    /** Hits and misses of the SQL score cache since this function was made. */
    public long cacheHits() {
        return cache.hits();
    }

    public long cacheMisses() {
        return cache.misses();
    }

    private SqlScores scoreSql(String sql, Example example) {
        DatabaseSchema schema = schemas.apply(example);
        Optional<Statement> parsed = SqlParsing.parse(sql);
        double syntax = parsed.filter(statement -> statement instanceof Select).isPresent() ? 1.0 : 0.0;
        double grounding = parsed.map(statement -> SchemaGrounding.score(statement, schema)).orElse(0.0);
        // Spider's parser is built on JSqlParser: what JSqlParser rejects scores 0 without it, which also
        // keeps broken completions off its slow retry path (see SqlParsing).
        double clauseF1 = 0.0;
        if (parsed.isPresent()) {
            SpiderEvaluator evaluator = evaluators.computeIfAbsent(example.dbId(),
                    id -> new SpiderEvaluator(SpiderSchemas.of(schema)));
            clauseF1 = ClauseF1.score(evaluator, example.goldSql(), sql);
        }
        MatchOutcome match = executionMatch.match(example.dbPath(), example.goldSql(), sql);
        ExecutionOutcome outcome;
        if (match.goldFailed()) {
            outcome = match.predicted().isSuccess() ? ExecutionOutcome.GOLD_FAILED_PREDICTION_RAN
                    : ExecutionOutcome.GOLD_FAILED_PREDICTION_FAILED;
        } else if (match.match()) {
            outcome = ExecutionOutcome.CORRECT;
        } else {
            outcome = match.predicted().isSuccess() ? ExecutionOutcome.EXECUTABLE_WRONG : ExecutionOutcome.FAILED;
        }
        // A timeout may not repeat: such a score is not cached.
        boolean cacheable = !match.predicted().isTransient() && !match.gold().isTransient();
        return new SqlScores(outcome, match.reason(), syntax, grounding, clauseF1, cacheable);
    }

    private double executionValue(ExecutionOutcome outcome) {
        return switch (outcome) {
            case CORRECT -> config.correct();
            // With a broken gold only running counts: every sample of the group is judged alike.
            case EXECUTABLE_WRONG, GOLD_FAILED_PREDICTION_RAN -> config.executableWrong();
            case FAILED, NO_SQL, GOLD_FAILED_PREDICTION_FAILED -> config.failed();
        };
    }
}
