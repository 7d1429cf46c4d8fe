package dev.sqlrl.eval;

import dev.sqlrl.generation.GeneratedSql;
import java.util.List;

/**
 * The outcome of evaluating a model on examples.
 *
 * @param summary     counts and rates by hardness and failure category
 * @param results     one score per answered example, in the order of {@code generations}
 * @param generations what the model answered
 * @param ex          execution accuracy over the answered examples
 * @param em          exact set match over the answered examples
 * @param skipped     examples not asked because their prompt exceeded the token limit (not in the rates)
 */
public record EvaluationReport(EvalSummary summary, List<PairResult> results, List<GeneratedSql> generations,
                               double ex, double em, int skipped) {
    public EvaluationReport {
        results = List.copyOf(results);
        generations = List.copyOf(generations);
        if (results.size() != generations.size()) {
            throw new IllegalArgumentException(results.size() + " results for " + generations.size() + " generations");
        }
    }

    static EvaluationReport of(List<PairResult> results, List<GeneratedSql> generations, int skipped) {
        EvalSummary summary = EvalSummary.of(results);
        EvalSummary.Row all = summary.row("all");
        return new EvaluationReport(summary, results, generations, all.exRate(), all.emRate(), skipped);
    }

    /** Samples that hit the new-token limit before a stop id. */
    public long truncatedSamples() {
        return generations.stream().flatMap(g -> g.samples().stream()).filter(s -> s.truncated()).count();
    }

    /** Samples in which no SQL was found. */
    public long samplesWithoutSql() {
        return generations.stream().flatMap(g -> g.samples().stream()).filter(s -> s.sql().isEmpty()).count();
    }
}
