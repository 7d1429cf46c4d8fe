package dev.sqlrl.serve;

import dev.sqlrl.data.Example;
import dev.sqlrl.data.Prompt;
import dev.sqlrl.data.SqlExtractor;
import dev.sqlrl.eval.ExecutionVote;
import dev.sqlrl.model.Completion;
import dev.sqlrl.model.SamplingParams;
import dev.sqlrl.sql.ExecutionResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * POST /v1/generate_sql: builds the prompt as training did (the run's template, schema serialization and chat
 * template), generates through the batcher, extracts the SQL, validates it and, when asked, runs it. With
 * num_samples > 1 the candidates are sampled and voted by execution result as `sqlrl eval --vote` does.
 */
public final class SqlAnswerer {
    /** The temperature of voted samples: as evaluation's vote@k. */
    static final double VOTE_TEMPERATURE = dev.sqlrl.eval.ModelEvaluator.VOTE_TEMPERATURE;

    private final ServedModel model;
    private final GenerationBatcher batcher;
    private final SqlRunner runner;
    private final ServeSettings settings;
    private final List<Integer> stopIds;

    public SqlAnswerer(ServedModel model, GenerationBatcher batcher, SqlRunner runner, ServeSettings settings) {
        this.model = model;
        this.batcher = batcher;
        this.runner = runner;
        this.settings = settings;
        this.stopIds = model.stopIds();
    }

    public GenerateSqlResponse answer(GenerateSqlRequest request, DatabaseCatalog catalog) {
        ServedDatabase database = catalog.get(RequestChecks.requiredText(request.dbId(), "db_id", 200));
        String question = RequestChecks.requiredText(request.question(), "question", settings.maxQuestionChars());
        String evidence = RequestChecks.optionalText(request.evidence(), "evidence", settings.maxQuestionChars());
        int k = RequestChecks.count(request.numSamples(), "num_samples", 1, settings.maxSamples());
        int rowLimit = runner.rowLimit(request.maxRows());
        boolean execute = request.execute() == null || request.execute();

        Example example = new Example("request", question, "", database.id(), database.file(), evidence, null);
        Prompt prompt = model.prompts().build(example, database.schema());
        int[] tokens = model.tokenizer().encode(prompt.text());
        if (tokens.length > model.maxPromptTokens()) {
            throw ApiException.badRequest("the prompt has " + tokens.length + " tokens, more than the " + model.maxPromptTokens()
                    + " the model was trained with (a shorter question or evidence may fit)");
        }
        SamplingParams params = k == 1 ? SamplingParams.greedy(settings.maxNewTokens(), stopIds)
                : new SamplingParams(false, VOTE_TEMPERATURE, 0, 1.0, ThreadLocalRandom.current().nextLong(),
                settings.maxNewTokens(), k, stopIds);
        BatchedCompletions generated = Futures.await(batcher.submit(tokens, params, settings.requestTimeoutMillis()),
                settings.requestTimeoutMillis());

        long executeStart = System.nanoTime();
        List<String> texts = new ArrayList<>();
        List<String> sqls = new ArrayList<>();
        for (Completion c : generated.completions()) {
            String text = model.tokenizer().decode(c.tokens(), true);
            texts.add(text);
            sqls.add(SqlExtractor.extract(text).orElse(""));
        }
        int chosen = 0;
        double confidence;
        ExecutionResult chosenResult = null;
        if (k == 1) {
            confidence = meanTokenProbability(generated.completions().getFirst());
        } else {
            List<ExecutionResult> results = new ArrayList<>();
            for (String sql : sqls) {
                results.add(SqlValidator.validate(sql, database.schema()).valid() ? runner.run(database, sql)
                        : ExecutionResult.failure(dev.sqlrl.sql.ErrorCategory.REJECTED, "invalid", 0));
            }
            ExecutionVote.Choice choice = ExecutionVote.choose(results);
            chosen = choice.index();
            confidence = (double) choice.votes() / k;
            if (choice.votes() > 0) chosenResult = results.get(chosen);
        }
        String sql = sqls.get(chosen);
        SqlValidation validation = sql.isEmpty() ? SqlValidation.refused(List.of("no SQL in the model's answer"))
                : SqlValidator.validate(sql, database.schema());
        List<String> problems = new ArrayList<>(validation.problems());
        List<String> columns = null;
        List<List<Object>> rows = null;
        if (execute && validation.valid()) {
            ExecutionResult result = chosenResult != null ? chosenResult : runner.run(database, sql);
            if (result.isSuccess()) {
                columns = result.columns();
                rows = SqlRunner.jsonRows(result, rowLimit);
            } else {
                problems.add("execution failed: " + result.errorCategory() + ": " + result.errorMessage());
            }
        }
        double executeMs = (System.nanoTime() - executeStart) / 1e6;
        return new GenerateSqlResponse(sql, texts.get(chosen), validation.valid(), problems, confidence, columns, rows,
                new GenerateSqlResponse.Timing(generated.queueNanos() / 1e6, generated.generateNanos() / 1e6, executeMs));
    }

    /** exp(mean log-prob) of the answer's tokens: 1 when the model was sure of every token. */
    static double meanTokenProbability(Completion completion) {
        float[] logprobs = completion.logprobs();
        if (logprobs.length == 0) return 0;
        double sum = 0;
        for (float lp : logprobs) sum += lp;
        return Math.exp(sum / logprobs.length);
    }
}
