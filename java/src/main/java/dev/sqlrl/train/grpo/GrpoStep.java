package dev.sqlrl.train.grpo;

import dev.sqlrl.config.GrpoSection;
import dev.sqlrl.model.Completion;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.SamplingParams;
import dev.sqlrl.reward.ExecutionOutcome;
import dev.sqlrl.reward.RewardBreakdown;
import dev.sqlrl.reward.RewardComponent;
import dev.sqlrl.train.AdamWOptimizer;
import dev.sqlrl.train.DataParallel;
import dev.sqlrl.train.NonFiniteGuard;
import dev.sqlrl.train.Policy;
import dev.sqlrl.train.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One GRPO step: sample, reward, advantages, reference, then the updates. Every random draw is seeded
 * from (run seed, step, position), so a step is a pure function of the policy's state and its prompts.
 *
 * <p>Data parallel ({@link DataParallel}): each rank samples and rewards a block of the step's prompts (each prompt's
 * samples keyed by its own seed, so they are what one process draws) and receives everyone's completions; every rank
 * then computes the same advantages, and each update's micro-batches are split into blocks, one per rank, whose
 * gradients (normalized by the whole update's counts, which every rank knows) are summed before every rank takes the
 * same optimizer step. The same training as one process, to rounding, on any number of ranks.
 */
final class GrpoStep {
    /** Seed streams, so that no two kinds of draws share one. */
    private static final long SAMPLING = 3;
    private static final long DROPOUT = 5;

    private final Policy policy;
    private final NativeModel model;
    private final GrpoSection grpo;
    private final GrpoLoss loss;
    private final AdamWOptimizer optimizer;
    private final CompletionScorer rewards;
    private final long seed;
    private final long step;
    private final BackwardListener listener;
    private final DataParallel ranks;
    private long sampleNanos;  // this rank's, over every round

    GrpoStep(Policy policy, GrpoSection grpo, GrpoLoss loss, AdamWOptimizer optimizer, RewardEnvironment rewards,
             long seed, long step, DataParallel ranks) {
        this(policy, grpo, loss, optimizer, rewards, seed, step, BackwardListener.NONE, ranks);
    }

    /** With any scorer and a listener on what goes to backward: the seams GrpoStepTest uses. */
    GrpoStep(Policy policy, GrpoSection grpo, GrpoLoss loss, AdamWOptimizer optimizer, CompletionScorer rewards,
             long seed, long step, BackwardListener listener) {
        this(policy, grpo, loss, optimizer, rewards, seed, step, listener, DataParallel.single());
    }

    private GrpoStep(Policy policy, GrpoSection grpo, GrpoLoss loss, AdamWOptimizer optimizer, CompletionScorer rewards,
                     long seed, long step, BackwardListener listener, DataParallel ranks) {
        this.policy = policy;
        this.model = policy.model();
        this.grpo = grpo;
        this.loss = loss;
        this.optimizer = optimizer;
        this.rewards = rewards;
        this.seed = seed;
        this.step = step;
        this.listener = listener;
        this.ranks = ranks;
    }

    /**
     * @param metrics        the step's metrics line
     * @param completions    every sampled completion, group by group
     * @param updates        optimizer updates attempted
     * @param skippedUpdates updates skipped for a non-finite loss or gradient
     */
    record Result(GrpoStepMetrics metrics, List<SampledCompletion> completions, int updates, int skippedUpdates) {}

    Result run(List<GrpoPrompt> prompts, NonFiniteGuard guard) {
        return run(prompts, DynamicSampling.ExtraPrompts.NONE, guard);
    }

    /** With grpo.dynamic_sampling, `more` gives the prompts of the extra rounds. */
    Result run(List<GrpoPrompt> prompts, DynamicSampling.ExtraPrompts more, NonFiniteGuard guard) {
        long t0 = System.nanoTime();
        List<SampledCompletion> completions = sampleShared(prompts, 0);
        List<SampledCompletion> sampled = new ArrayList<>(completions);  // every round's, for the entropy
        GrpoStepMetrics.Dynamic dynamic = GrpoStepMetrics.Dynamic.OFF;
        if (grpo.dynamicSampling()) {
            DynamicSampling.Outcome outcome = DynamicSampling.fill(completions, grpo.numGenerations(), prompts.size(),
                    grpo.dynamicSamplingMaxDraws(), more, (extra, round) -> {
                        List<SampledCompletion> drawn = sampleShared(extra, round);
                        sampled.addAll(drawn);
                        return drawn;
                    });
            completions = outcome.completions();
            dynamic = new GrpoStepMetrics.Dynamic(outcome.droppedGroups(), outcome.extraPrompts(), outcome.rounds());
        }
        long t2 = System.nanoTime();
        long t1 = t0 + sampleNanos;  // sampling time over every round; the rest of the span is rewards and exchange
        double[] totals = completions.stream().mapToDouble(c -> c.reward().total()).toArray();
        Advantages advantages = Advantages.compute(totals, grpo.numGenerations(), grpo.scaleRewards());
        float[][] reference = loss.config().needsReference() ? reference(completions) : null;  // this rank's rows
        long t3 = System.nanoTime();
        UpdateTotals updates = update(completions, advantages, reference, guard);
        long t4 = System.nanoTime();

        double sampleSeconds = (t1 - t0) / 1e9;
        double updateSeconds = (t4 - t3) / 1e9;
        SampledTokens generated = SampledTokens.of(sampled);
        GrpoStepMetrics metrics = new GrpoStepMetrics(step, rewardMetrics(completions, advantages), generated.entropy(),
                updates.loss.lengths(), generated.tokens() / sampleSeconds, updateMetrics(updates, updateSeconds),
                new GrpoStepMetrics.Times(sampleSeconds, (t2 - t1) / 1e9, (t3 - t2) / 1e9, updateSeconds), dynamic);
        return new Result(metrics, completions, updates.attempted, updates.skipped);
    }

    /** Every completion of a round's prompts, rewarded, on every rank; this rank samples its block of them. */
    private List<SampledCompletion> sampleShared(List<GrpoPrompt> prompts, int round) {
        return CompletionExchange.sampleShared(ranks, prompts, (mine, first) -> {
            long start = System.nanoTime();
            List<Completion> drawn = sample(mine, round, first);
            sampleNanos += System.nanoTime() - start;
            return reward(mine, drawn);
        });
    }

    /**
     * Round 0 is the step's own prompts; dynamic sampling's extra rounds draw with seeds of their own. Each prompt's
     * samples are keyed by (run seed, step, round, the prompt's index in the round), whoever samples them.
     */
    private List<Completion> sample(List<GrpoPrompt> prompts, int round, int firstIndex) {
        int[][] tokens = prompts.stream().map(GrpoPrompt::tokens).toArray(int[][]::new);
        long[] promptSeeds = new long[prompts.size()];
        for (int i = 0; i < promptSeeds.length; i++) {
            promptSeeds[i] = round == 0 ? Seeds.derive(seed, SAMPLING, step, firstIndex + i)
                    : Seeds.derive(seed, SAMPLING, step, -round, firstIndex + i);
        }
        SamplingParams params = new SamplingParams(false, grpo.temperature(), grpo.topK(), grpo.topP(),
                Seeds.derive(seed, SAMPLING, step), grpo.maxCompletionLength(), grpo.numGenerations(), policy.stopIds());
        return model.generate(tokens, params, true, promptSeeds);
    }

    private List<SampledCompletion> reward(List<GrpoPrompt> prompts, List<Completion> sampled) {
        List<String> texts = new ArrayList<>(sampled.size());
        List<dev.sqlrl.data.Example> examples = new ArrayList<>(sampled.size());
        for (int r = 0; r < sampled.size(); r++) {
            texts.add(policy.tokenizer().decode(sampled.get(r).tokens(), true));
            examples.add(prompts.get(r / grpo.numGenerations()).example());
        }
        List<RewardBreakdown> scored = rewards.score(texts, examples);
        List<SampledCompletion> out = new ArrayList<>(sampled.size());
        for (int r = 0; r < sampled.size(); r++) {
            Completion c = sampled.get(r);
            int[] tokens = c.tokens();
            boolean stopped = tokens.length > 0 && policy.stopIds().contains(tokens[tokens.length - 1]);
            out.add(new SampledCompletion(prompts.get(r / grpo.numGenerations()), tokens, c.logprobs(), texts.get(r),
                    !stopped, scored.get(r)));
        }
        return out;
    }

    /**
     * Log-probs with the adapters disabled (the reference model of the KL term) of the completions of this rank's
     * micro-batches; null rows for the others'.
     */
    private float[][] reference(List<SampledCompletion> completions) {
        float[][] out = new float[completions.size()][];
        int[] mine = ranks.share(grpo.gradAccumulation());
        for (int from = 0; from < completions.size(); from += grpo.microBatchSize()) {
            int inUpdate = (from / grpo.microBatchSize()) % grpo.gradAccumulation();
            if (inUpdate < mine[0] || inUpdate >= mine[1]) continue;
            List<SampledCompletion> micro = completions.subList(from, Math.min(completions.size(), from + grpo.microBatchSize()));
            float[][] logprobs = model.logprobs(sequences(micro), promptLens(micro), false, grpo.temperature(), false);
            System.arraycopy(logprobs, 0, out, from, logprobs.length);
        }
        return out;
    }

    /** What the updates of a step add up to (token-weighted where the loss reports per-token averages). */
    private static final class UpdateTotals {
        int attempted;
        int skipped;
        double lossSum;
        double gradNormSum;
        final GrpoLossTotals loss = new GrpoLossTotals();
        long sequenceTokens;
        double lr;
    }

    private UpdateTotals update(List<SampledCompletion> completions, Advantages advantages, float[][] reference,
                                NonFiniteGuard guard) {
        UpdateTotals totals = new UpdateTotals();
        int perUpdate = grpo.microBatchSize() * grpo.gradAccumulation();
        for (int iteration = 0; iteration < grpo.numIterations(); iteration++) {
            for (int update = 0; update * perUpdate < completions.size(); update++) {
                int updateFrom = update * perUpdate;
                List<CompletionLogProbs> all = new ArrayList<>();
                for (int i = updateFrom; i < updateFrom + perUpdate; i++) {
                    SampledCompletion c = completions.get(i);
                    all.add(CompletionLogProbs.onPolicy(c.logprobs(), reference == null ? null : reference[i],
                            advantages.values()[i], c.truncated()));
                }
                GradientAccumulation accumulation = new GradientAccumulation(grpo.gradAccumulation(), loss.activeTokenCount(all));
                totals.lr = optimizer.nextLearningRate();
                double updateLoss = 0;
                boolean finite = true;
                int[] mine = ranks.share(grpo.gradAccumulation());
                for (int micro = mine[0]; micro < mine[1] && finite; micro++) {
                    int from = updateFrom + micro * grpo.microBatchSize();
                    List<SampledCompletion> batch = completions.subList(from, from + grpo.microBatchSize());
                    model.setDropoutSeed(Seeds.derive(seed, DROPOUT, step, iteration, update, micro));
                    float[][] logprobs = model.logprobs(sequences(batch), promptLens(batch), true, grpo.temperature(), true);
                    if (!allFinite(logprobs)) {
                        finite = false;
                        break;
                    }
                    List<CompletionLogProbs> inputs = new ArrayList<>(batch.size());
                    for (int i = 0; i < batch.size(); i++) {
                        SampledCompletion c = batch.get(i);
                        CompletionLogProbs base = all.get(micro * grpo.microBatchSize() + i);
                        // old log-probs only matter once the policy has moved (num_iterations > 1)
                        float[] old = grpo.numIterations() > 1 ? c.logprobs() : null;
                        inputs.add(new CompletionLogProbs(logprobs[i], old, base.reference(), base.advantage(), c.truncated()));
                        totals.sequenceTokens += c.prompt().tokens().length + c.tokens().length;
                    }
                    GrpoBatch microBatch = new GrpoBatch(inputs, accumulation);
                    GrpoLossResult result = loss.compute(microBatch);
                    listener.beforeBackward(iteration, from, microBatch, result);
                    model.backward(result.dLossDLogp());
                    updateLoss += result.loss();
                    totals.loss.add(result.metrics());
                }
                totals.attempted++;
                // every rank's part of the update: its loss adds up, and one non-finite part skips the update on all
                double[] reduced = ranks.sum(updateLoss, finite ? 0 : 1);
                updateLoss = reduced[0];
                finite = reduced[1] == 0;
                if (finite && Double.isFinite(updateLoss)) ranks.sumGradients(model);
                double gradNorm;
                if (finite && Double.isFinite(updateLoss)) {
                    gradNorm = optimizer.step();
                } else {
                    model.zeroGrad();
                    gradNorm = Double.NaN;
                    updateLoss = Double.NaN;
                }
                if (guard.record(updateLoss, gradNorm)) {
                    totals.lossSum += updateLoss;
                    totals.gradNormSum += gradNorm;
                } else {
                    totals.skipped++;
                    if (ranks.writes()) {
                        System.err.printf("grpo: step %d update %d skipped: non-finite loss or gradient%n", step, update + 1);
                    }
                }
            }
        }
        totals.sequenceTokens = (long) ranks.sum(totals.sequenceTokens)[0];
        totals.loss.reduce(ranks);
        return totals;
    }

    private static GrpoStepMetrics.Rewards rewardMetrics(List<SampledCompletion> completions, Advantages advantages) {
        Map<String, Double> components = new LinkedHashMap<>();
        for (RewardComponent component : RewardComponent.values()) {
            components.put(component.key(),
                    completions.stream().mapToDouble(c -> c.reward().get(component)).average().orElse(Double.NaN));
        }
        double sampleEx = completions.stream().filter(c -> c.reward().outcome() == ExecutionOutcome.CORRECT).count()
                / (double) completions.size();
        SummaryStats rewards = advantages.rewards();
        SummaryStats advantage = advantages.advantageStats();
        return new GrpoStepMetrics.Rewards(rewards.mean(), rewards.std(), rewards.min(), rewards.max(),
                advantages.meanGroupRewardStd(), advantages.zeroSpreadGroupFraction(), components, sampleEx,
                advantage.mean(), advantage.std(), advantage.min(), advantage.max());
    }

    /** The sampled tokens and their mean -log p: an unbiased estimate of the sampling distribution's entropy. */
    private record SampledTokens(long tokens, double entropy) {
        static SampledTokens of(List<SampledCompletion> sampled) {
            long tokens = 0;
            double negativeLogprobSum = 0;
            for (SampledCompletion c : sampled) {
                tokens += c.tokens().length;
                for (float lp : c.logprobs()) {
                    negativeLogprobSum -= lp;
                }
            }
            return new SampledTokens(tokens, tokens > 0 ? negativeLogprobSum / tokens : Double.NaN);
        }
    }

    private static GrpoStepMetrics.Updates updateMetrics(UpdateTotals totals, double updateSeconds) {
        int applied = totals.attempted - totals.skipped;
        GrpoLossTotals loss = totals.loss;
        return new GrpoStepMetrics.Updates(
                applied > 0 ? totals.lossSum / applied : Double.NaN,
                applied > 0 ? totals.gradNormSum / applied : Double.NaN,
                totals.lr,
                loss.kl(),
                loss.lowClipFraction(), loss.highClipFraction(), loss.regionClipFraction(),
                loss.ratioMean(), loss.ratioMin(), loss.ratioMax(),
                loss.activeTokens(),
                totals.attempted,
                totals.skipped,
                totals.sequenceTokens / updateSeconds);
    }

    private static int[][] sequences(List<SampledCompletion> batch) {
        return batch.stream().map(SampledCompletion::sequence).toArray(int[][]::new);
    }

    private static int[] promptLens(List<SampledCompletion> batch) {
        return batch.stream().mapToInt(c -> c.prompt().tokens().length).toArray();
    }

    private static boolean allFinite(float[][] values) {
        for (float[] row : values) {
            for (float v : row) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }
}
