package dev.sqlrl.eval;

import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.generation.GenerationResult;
import dev.sqlrl.generation.SqlGenerator;
import dev.sqlrl.model.SamplingParams;
import java.util.List;

/**
 * Evaluates a model on examples: generates SQL ({@link SqlGenerator}) and scores it
 * ({@link GeneratedSqlScorer}). Greedy decoding when voteK is 1; otherwise voteK samples at
 * {@link #VOTE_TEMPERATURE}, voted by execution result (self-consistency).
 *
 * <p>Can be called repeatedly (trainers evaluate every N steps); generation uses the native model
 * and so runs on the caller's thread, SQL runs on {@code threads} threads. Close it to release
 * the SQL sandbox; the generator's model stays the caller's.
 */
public final class ModelEvaluator implements AutoCloseable {
    /** Sampling temperature for vote@k: the model's own distribution, as GRPO samples it. */
    public static final double VOTE_TEMPERATURE = 1.0;

    private final SqlGenerator generator;
    private final GeneratedSqlScorer scorer;

    public ModelEvaluator(SqlGenerator generator, int threads) {
        this(generator, threads, false);
    }

    /** @param rves also measure BIRD mini-dev's R-VES on BIRD data ({@link BirdRves}: 100 timed runs per query) */
    public ModelEvaluator(SqlGenerator generator, int threads, boolean rves) {
        this.generator = generator;
        this.scorer = new GeneratedSqlScorer(threads, rves ? BirdRves::sqliteSeconds : null);
    }

    public EvaluationReport evaluate(Dataset dataset, List<Example> examples, int voteK, int maxNewTokens,
                                     long seed, boolean useAdapters) {
        if (voteK < 1) throw new IllegalArgumentException("vote k must be at least 1, got " + voteK);
        SamplingParams params = voteK == 1 ? generator.greedy(maxNewTokens)
                : generator.sampling(voteK, VOTE_TEMPERATURE, seed, maxNewTokens);
        GenerationResult generation = generator.generateAll(dataset, examples, params, useAdapters);
        return scorer.score(dataset, generation);
    }

    @Override
    public void close() {
        scorer.close();
    }
}
