package dev.sqlrl.eval;

import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.generation.GeneratedSql;
import dev.sqlrl.generation.GenerationResult;
import dev.sqlrl.generation.Sample;
import dev.sqlrl.generation.SqlGenerator;
import dev.sqlrl.model.SamplingParams;
import dev.sqlrl.sql.spider.Hardness;
import java.util.ArrayList;
import java.util.List;

/**
 * Data selection for GRPO by pass rate (Arctic-Text2SQL-R1's filtering): the model answers each question k times at
 * the sampling temperature, each answer is scored by execution as eval scores it, and a question the model answers
 * always right or always wrong is dropped — every sample of its GRPO group would get the same reward, so a zero
 * advantage and no gradient, while still costing its generation.
 */
public final class PassRateFilter {
    /** A question's answers: how many of its samples executed to the gold result. */
    public record Rate(Example example, int correct, int samples, Hardness hardness) {
        public double passRate() {
            return (double) correct / samples;
        }
    }

    /**
     * Kept when dropAtOrBelow < pass rate < dropAtOrAbove: the defaults 0 and 1 drop exactly the always-wrong and
     * always-right questions.
     */
    public record Thresholds(double dropAtOrBelow, double dropAtOrAbove) {
        public Thresholds {
            if (!(dropAtOrBelow >= 0 && dropAtOrBelow < dropAtOrAbove && dropAtOrAbove <= 1)) {
                throw new IllegalArgumentException("thresholds need 0 <= drop-at-or-below < drop-at-or-above <= 1, got "
                        + dropAtOrBelow + " and " + dropAtOrAbove);
            }
        }

        public boolean keeps(Rate rate) {
            return rate.passRate() > dropAtOrBelow && rate.passRate() < dropAtOrAbove;
        }
    }

    /** The rates of the questions whose prompt fits, in their order, and those whose prompt was too long. */
    public record Measured(List<Rate> rates, List<Example> skippedTooLong) {}

    private PassRateFilter() {}

    public static Measured measure(SqlGenerator generator, GeneratedSqlScorer scorer, Dataset dataset, List<Example> examples,
                                   int k, double temperature, long seed, int maxNewTokens, boolean useAdapters) {
        if (k < 2) throw new IllegalArgumentException("k must be at least 2 (one sample has no pass rate), got " + k);
        SamplingParams params = generator.sampling(k, temperature, seed, maxNewTokens);
        GenerationResult generation = generator.generateAll(dataset, examples, params, useAdapters);
        // Each sample scored on its own (no vote): the scorer keeps the order, k results per question.
        List<GeneratedSql> singles = new ArrayList<>();
        for (GeneratedSql g : generation.generated()) {
            for (Sample s : g.samples()) singles.add(new GeneratedSql(g.example(), g.prompt(), g.promptTokens(), List.of(s)));
        }
        List<PairResult> results = scorer.score(dataset, new GenerationResult(singles, List.of())).results();
        List<Rate> rates = new ArrayList<>();
        for (int q = 0; q < generation.generated().size(); q++) {
            int correct = 0;
            for (int s = 0; s < k; s++) if (results.get(q * k + s).ex()) correct++;
            rates.add(new Rate(generation.generated().get(q).example(), correct, k, results.get(q * k).hardness()));
        }
        return new Measured(rates, generation.skippedTooLong());
    }
}
