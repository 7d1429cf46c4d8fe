package dev.sqlrl.train.sft;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.SftSection;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.train.AdamWOptimizer;
import dev.sqlrl.train.DataParallel;
import dev.sqlrl.train.ExampleOrder;
import dev.sqlrl.train.NonFiniteGuard;
import dev.sqlrl.train.Policy;
import dev.sqlrl.train.Seeds;
import dev.sqlrl.train.StageCheckpoints;
import dev.sqlrl.train.StageLoop;
import dev.sqlrl.train.StageResult;
import dev.sqlrl.train.TrainingRun;
import dev.sqlrl.train.TrainingState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Supervised fine-tuning of the LoRA adapters on (prompt, gold SQL): the loss is the mean negative
 * log-likelihood of the answer tokens only (completion-only), over all answer tokens of an optimizer
 * step's micro-batches. Java computes that loss's gradient per token (-1 / tokens) and native
 * backpropagates it, as in GRPO. Evaluates execution accuracy every sft.eval_every steps, keeps the best
 * checkpoint by it and stops early after sft.early_stopping_patience evaluations without a better one.
 *
 * <p>Data parallel: a step's batch is the whole step's across ranks. Its micro-batches, in the order one process
 * would run them, are split into contiguous blocks, one per rank; each rank backpropagates its block with the
 * gradient of the global loss (-1 / all answer tokens of the step, which every rank counts from the shared batch),
 * the ranks' gradients are summed, and every rank takes the same optimizer step: the training one process does, to
 * rounding. A micro-batch draws its dropout masks from its index in the whole step, so the masks are the same too.
 */
public final class SftTrainer {
    public static final String STAGE = "sft";
    /** Seed streams of this stage's draws. */
    private static final long DROPOUT_SEEDS = 1;
    private static final long EVAL_SEEDS = 2;

    private final TrainingRun run;
    private final Policy policy;
    private final Dataset train;
    private final Dataset eval;

    public SftTrainer(TrainingRun run, Policy policy, Dataset train, Dataset eval) {
        this.run = run;
        this.policy = policy;
        this.train = train;
        this.eval = eval;
    }

    /**
     * Trains up to step {@code stopAfterStep} (a checkpoint is written there; resuming continues; Long.MAX_VALUE
     * runs to the end) from fresh adapters ({@code initAdapter} empty), from given adapters, or, when
     * {@code resume}, from the run's newest complete checkpoint.
     */
    public StageResult train(boolean resume, Optional<Path> initAdapter, long stopAfterStep) {
        RunConfig config = run.config();
        SftSection sft = config.sft();
        if (sft == null) {
            throw new UserInputException("the config has no sft section: add one to run supervised fine-tuning");
        }
        long started = System.nanoTime();
        SftSequences data = SftSequences.of(policy, train, config.prompt().maxPromptTokens(), sft.maxTargetTokens());
        List<SftSequence> sequences = data.sequences();
        if (sequences.isEmpty()) {
            throw new UserInputException("no SFT example of " + train.source() + " fits: " + data.tooLongPrompts()
                    + " prompts over prompt.max_prompt_tokens, " + data.tooLongTargets() + " answers over sft.max_target_tokens");
        }
        int perStep = sft.microBatchSize() * sft.gradAccumulation();
        long totalSteps = sft.maxSteps() > 0 ? sft.maxSteps()
                : Math.max(1, (long) Math.ceil((double) sft.epochs() * sequences.size() / perStep));
        AdamWOptimizer optimizer = new AdamWOptimizer(policy.model(), sft.optimizer(), totalSteps);
        StageCheckpoints checkpoints = new StageCheckpoints(run.checkpoints(), policy, optimizer, run.folder().configFile());
        StageLoop loop = new StageLoop(run, policy, eval, checkpoints, new StageLoop.Schedule(STAGE, totalSteps,
                sft.evalEvery(), sft.earlyStoppingPatience(), EVAL_SEEDS));
        TrainingState state = loop.start(resume, initAdapter);
        ExampleOrder order = ExampleOrder.forStage(config, train, sequences.stream().map(SftSequence::exampleIndex).toList());
        System.err.printf("sft: %d examples (%d prompts and %d answers too long, left out), %d steps of %d sequences%n",
                sequences.size(), data.tooLongPrompts(), data.tooLongTargets(), totalSteps, perStep);
        return loop.run(state, stopAfterStep, (step, guard) -> {
            int[] batch = order.slice((step - 1) * perStep, perStep);
            SftStepMetrics metrics = trainStep(step, batch, sequences, sft.microBatchSize(), optimizer, config.seed(), guard);
            Map<String, String> shown = new LinkedHashMap<>();
            shown.put("loss", String.format("%.4f", metrics.loss()));
            return new StageLoop.Step(metrics, 1, metrics.skipped() ? 1 : 0, shown);
        }, started);
    }

    /**
     * One optimizer step over {@code batch} (indices into sequences), recorded in {@code guard}; returns its metrics
     * line.
     */
    private SftStepMetrics trainStep(long step, int[] batch, List<SftSequence> sequences, int microBatchSize,
                                     AdamWOptimizer optimizer, long seed, NonFiniteGuard guard) {
        NativeModel model = policy.model();
        DataParallel ranks = run.ranks();
        long stepStart = System.nanoTime();
        long answerTokens = 0;
        long allTokens = 0;
        for (int index : batch) {
            answerTokens += sequences.get(index).targetTokens().length;
            allTokens += sequences.get(index).length();
        }
        double lr = optimizer.nextLearningRate();
        float gradient = (float) (-1.0 / answerTokens);
        double nll = 0;
        int microBatches = (batch.length + microBatchSize - 1) / microBatchSize;
        int[] mine = ranks.share(microBatches);
        for (int micro = mine[0]; micro < mine[1]; micro++) {
            int from = micro * microBatchSize;
            List<SftSequence> microBatch = new ArrayList<>();
            for (int i = from; i < Math.min(batch.length, from + microBatchSize); i++) {
                microBatch.add(sequences.get(batch[i]));
            }
            int[][] tokens = microBatch.stream().map(SftSequence::tokens).toArray(int[][]::new);
            int[] promptLens = microBatch.stream().mapToInt(s -> s.promptTokens().length).toArray();
            model.setDropoutSeed(Seeds.derive(seed, DROPOUT_SEEDS, step, micro));
            float[][] logprobs = model.logprobs(tokens, promptLens, true, 1.0, true);
            float[][] grads = new float[logprobs.length][];
            for (int i = 0; i < logprobs.length; i++) {
                for (float lp : logprobs[i]) {
                    nll -= lp;
                }
                grads[i] = new float[logprobs[i].length];
                java.util.Arrays.fill(grads[i], gradient);
            }
            model.backward(grads);
        }
        ranks.sumGradients(model);
        nll = ranks.sum(nll)[0];
        double loss = nll / answerTokens;
        double gradNorm;
        if (Double.isFinite(loss)) {
            gradNorm = optimizer.step();
        } else {
            model.zeroGrad();
            gradNorm = Double.NaN;
        }
        double seconds = (System.nanoTime() - stepStart) / 1e9;
        boolean finite = guard.record(loss, gradNorm);
        return new SftStepMetrics(step, loss, lr, gradNorm, answerTokens, allTokens / seconds, seconds, !finite);
    }
}
