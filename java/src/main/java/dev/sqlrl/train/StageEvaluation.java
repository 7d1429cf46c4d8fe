package dev.sqlrl.train;

import dev.sqlrl.config.RunConfig;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.eval.EvaluationFiles;
import dev.sqlrl.eval.EvaluationReport;
import dev.sqlrl.eval.ModelEvaluator;
import dev.sqlrl.generation.SqlGenerator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Execution accuracy of the policy on the run's evaluation split (its first eval.max_examples examples,
 * the same ones every time so that evaluations are comparable), as the SQL evaluator scores it.
 */
public final class StageEvaluation implements AutoCloseable {
    /** Prompts generated together in one native call. */
    private static final int BATCH_PROMPTS = 16;

    private final ModelEvaluator evaluator;
    private final Dataset dataset;
    private final List<Example> examples;
    private final RunConfig config;

    public StageEvaluation(Policy policy, Dataset dataset, RunConfig config) {
        this(policy, dataset, config, DataParallel.single());
    }

    /** With several ranks, each generates a block of the batches and all score every answer. */
    public StageEvaluation(Policy policy, Dataset dataset, RunConfig config, DataParallel ranks) {
        SqlGenerator generator = new SqlGenerator(policy.model(), policy.tokenizer(), policy.prompts(),
                config.prompt().maxPromptTokens(), BATCH_PROMPTS).runningBatchesWith(RankBatches.of(ranks));
        int threads = config.reward().threads() > 0 ? config.reward().threads() : Runtime.getRuntime().availableProcessors();
        this.evaluator = new ModelEvaluator(generator, threads);
        this.dataset = dataset;
        int max = config.eval().maxExamples();
        this.examples = max > 0 && max < dataset.examples().size() ? dataset.examples().subList(0, max) : dataset.examples();
        this.config = config;
    }

    /**
     * Evaluates after {@code step} of {@code stage}: records the eval metrics, writes the predictions, results
     * and report into the run's evals/STAGE-step-N/ (as `sqlrl eval` does), adds EX to the progress line's
     * {@code shown} metrics, and returns the state after the evaluation with its EX (the checkpoint's score). The
     * ranks of a data-parallel run split the generation and all score every answer, so all take the same decisions
     * from its EX; only the leader writes.
     */
    public Evaluated evaluateAt(String stage, long step, long seed, TrainingState state, TrainingRun run,
                                Map<String, String> shown) {
        long start = System.nanoTime();
        EvaluationReport report = run(seed);
        shown.put("ex", String.format("%.3f", report.ex()));
        if (!run.ranks().writes()) return new Evaluated(state.afterEvaluation(report.ex()), report.ex());
        run.metrics().write(EvalMetrics.of(stage, step, report, (System.nanoTime() - start) / 1e9));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("stage", stage);
        settings.put("step", Long.toString(step));
        settings.put("split", dataset.split());
        settings.put("vote_k", Integer.toString(config.eval().voteK()));
        EvaluationFiles.write(run.folder().evaluationDir(stage, step), report, settings);
        return new Evaluated(state.afterEvaluation(report.ex()), report.ex());
    }

    /** The state after an evaluation, and the EX it measured. */
    public record Evaluated(TrainingState state, double ex) {}

    public EvaluationReport run(long seed) {
        return evaluator.evaluate(dataset, examples, config.eval().voteK(), config.eval().maxNewTokens(), seed, true);
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
