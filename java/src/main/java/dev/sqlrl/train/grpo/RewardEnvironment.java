package dev.sqlrl.train.grpo;

import dev.sqlrl.config.RewardSection;
import dev.sqlrl.config.RewardWeights;
import dev.sqlrl.data.AnswerFormat;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLayout;
import dev.sqlrl.reward.RewardBreakdown;
import dev.sqlrl.reward.RewardComponent;
import dev.sqlrl.reward.RewardConfig;
import dev.sqlrl.reward.SqlRewardFunction;
import dev.sqlrl.data.Example;
import dev.sqlrl.sql.ExecutionMatch;
import dev.sqlrl.sql.MatchOptions;
import dev.sqlrl.sql.SandboxLimits;
import dev.sqlrl.sql.SqlSandbox;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The reward side of GRPO: the read-only SQL sandbox, execution matching with the dataset's semantics
 * (BIRD's set equality for BIRD, Spider's otherwise) and the composite reward of the config, scored
 * on a pool of threads.
 */
public final class RewardEnvironment implements CompletionScorer, AutoCloseable {
    private final SqlSandbox sandbox;
    private final ExecutionMatch executionMatch;
    private final SqlRewardFunction rewards;
    private final ExecutorService pool;

    public RewardEnvironment(RewardSection section, AnswerFormat answerFormat, Dataset dataset) {
        int threads = section.threads() > 0 ? section.threads() : Runtime.getRuntime().availableProcessors();
        SandboxLimits limits = SandboxLimits.defaults()
                .withTimeoutMillis(section.sandbox().timeoutMs())
                .withMaxRows(section.sandbox().maxRows())
                .withInstructionBudget(section.sandbox().instructionBudget());
        this.sandbox = new SqlSandbox(limits);
        MatchOptions match = dataset.layout() == DatasetLayout.BIRD ? MatchOptions.bird() : MatchOptions.spiderOfficial();
        this.executionMatch = new ExecutionMatch(sandbox, match.withThreads(threads));
        this.rewards = new SqlRewardFunction(rewardConfig(section), answerFormat, dataset::schemaOf, executionMatch);
        this.pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "sqlrl-reward");
            thread.setDaemon(true);
            return thread;
        });
    }

    static RewardConfig rewardConfig(RewardSection section) {
        RewardWeights w = section.weights();
        Map<RewardComponent, Double> weights = new EnumMap<>(RewardComponent.class);
        weights.put(RewardComponent.EXECUTION, w.execution());
        weights.put(RewardComponent.SYNTAX, w.syntax());
        weights.put(RewardComponent.SCHEMA_GROUNDING, w.schema());
        weights.put(RewardComponent.FORMAT, w.format());
        weights.put(RewardComponent.CLAUSE_F1, w.partial());
        weights.put(RewardComponent.LENGTH, w.length());
        RewardConfig defaults = RewardConfig.defaults();
        return new RewardConfig(section.execution().correct(), section.execution().executable(), section.execution().failed(),
                weights, defaults.targetChars(), defaults.maxChars(), defaults.cacheEntries());
    }

    /** The reward of each completion of {@code examples.get(i)} (same order), scored in parallel. */
    @Override
    public List<RewardBreakdown> score(List<String> completions, List<Example> examples) {
        List<Future<RewardBreakdown>> futures = new ArrayList<>(completions.size());
        for (int i = 0; i < completions.size(); i++) {
            String completion = completions.get(i);
            Example example = examples.get(i);
            futures.add(pool.submit(() -> rewards.score(completion, example)));
        }
        List<RewardBreakdown> out = new ArrayList<>(futures.size());
        try {
            for (Future<RewardBreakdown> future : futures) {
                out.add(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring rewards", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("scoring a reward failed: " + e.getCause(), e.getCause());
        }
        return out;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            executionMatch.close();
        } finally {
            sandbox.close();
        }
    }
}
