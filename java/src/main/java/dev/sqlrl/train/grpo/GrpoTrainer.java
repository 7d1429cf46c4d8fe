package dev.sqlrl.train.grpo;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.GrpoSection;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.Prompt;
import dev.sqlrl.model.Completion;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.SamplingParams;
import dev.sqlrl.reward.ExecutionOutcome;
import dev.sqlrl.reward.RewardBreakdown;
import dev.sqlrl.reward.RewardComponent;
import dev.sqlrl.train.AdamWOptimizer;
import dev.sqlrl.train.ExampleOrder;
import dev.sqlrl.train.Seeds;
import dev.sqlrl.train.Policy;
import dev.sqlrl.train.StageCheckpoints;
import dev.sqlrl.train.StageResult;
import dev.sqlrl.train.StageLoop;
import dev.sqlrl.train.TrainingRun;
import dev.sqlrl.train.TrainingState;
import dev.sqlrl.train.run.SamplesLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GRPO on the LoRA adapters (DESIGN.md "The GRPO step"). Each step samples num_generations completions
 * for each of prompts_per_step prompts (one prefill per prompt, shared by its samples), rewards them by
 * running their SQL, computes group-relative advantages, and then, num_iterations times, runs the
 * policy's log-probs with the graph kept, lets {@link GrpoLoss} turn them into d loss / d logp per
 * token, and has native backpropagate that; every grad_accumulation micro-batches make one AdamW update.
 * With beta > 0 the adapter-disabled model gives the reference log-probs of the k3 KL.
 */
public final class GrpoTrainer {
    public static final String STAGE = "grpo";
    /** Groups of a step whose completions go to samples.jsonl when it is a sampled step. */
    private static final int LOGGED_GROUPS = 2;
    /** Seed stream of evaluation sampling (GrpoStep owns the others). */
    private static final long EVAL_SEEDS = 4;
    /** Seed stream of dynamic sampling's extra prompts. */
    private static final long EXTRA_PROMPTS = 6;

    private final TrainingRun run;
    private final Policy policy;
    private final Dataset train;
    private final Dataset eval;

    public GrpoTrainer(TrainingRun run, Policy policy, Dataset train, Dataset eval) {
        this.run = run;
        this.policy = policy;
        this.train = train;
        this.eval = eval;
    }

    /**
     * Trains up to step {@code stopAfterStep} (a checkpoint is written there; resuming continues; Long.MAX_VALUE
     * runs to the end) from fresh adapters ({@code initAdapter} empty), from given adapters (e.g. the SFT stage's
     * best), or, when {@code resume}, from the run's newest complete checkpoint.
     */
    public StageResult train(boolean resume, Optional<Path> initAdapter, long stopAfterStep) {
        RunConfig config = run.config();
        GrpoSection grpo = config.grpo();
        if (grpo == null) {
            throw new UserInputException("the config has no grpo section: add one to run GRPO");
        }
        long started = System.nanoTime();
        List<GrpoPrompt> prompts = prompts(config.prompt().maxPromptTokens());
        int completionsPerStep = grpo.completionsPerStep();
        int microBatchesPerStep = completionsPerStep / grpo.microBatchSize();
        int updatesPerPass = microBatchesPerStep / grpo.gradAccumulation();
        long totalSteps = grpo.steps();
        NativeModel model = policy.model();
        AdamWOptimizer optimizer = new AdamWOptimizer(model, grpo.optimizer(),
                totalSteps * updatesPerPass * grpo.numIterations());
        StageCheckpoints checkpoints = new StageCheckpoints(run.checkpoints(), policy, optimizer, run.folder().configFile());
        StageLoop loop = new StageLoop(run, policy, eval, checkpoints, new StageLoop.Schedule(STAGE, totalSteps,
                config.eval().everyNSteps(), grpo.earlyStoppingPatience(), EVAL_SEEDS));
        TrainingState state = loop.start(resume, initAdapter);
        List<Integer> exampleIndices = new ArrayList<>();
        for (GrpoPrompt prompt : prompts) {
            exampleIndices.add(train.examples().indexOf(prompt.example()));
        }
        ExampleOrder order = ExampleOrder.forStage(config, train, exampleIndices);
        LearningSignalWatch signal = new LearningSignalWatch(run.ranks().writes() ? System.err
                : new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        GrpoLoss loss = new GrpoLoss(new GrpoLossConfig(grpo.lossType(), grpo.epsLow(), grpo.epsHigh(), grpo.beta(),
                grpo.maxCompletionLength(), grpo.maskTruncatedCompletions()));
        if (run.ranks().writes()) System.err.printf("grpo: %d prompts, %d steps of %d prompts x %d samples, %d updates per step%n",
                prompts.size(), totalSteps, grpo.promptsPerStep(), grpo.numGenerations(), updatesPerPass * grpo.numIterations());

        try (RewardEnvironment rewards = new RewardEnvironment(config.reward(),
                policy.prompts().template().answerFormat(), train)) {
            return loop.run(state, stopAfterStep, (step, guard) -> {
                int[] picked = order.slice((step - 1) * grpo.promptsPerStep(), grpo.promptsPerStep());
                List<GrpoPrompt> stepPrompts = new ArrayList<>();
                for (int index : picked) {
                    stepPrompts.add(prompts.get(index));
                }
                GrpoStep.Result result = new GrpoStep(policy, grpo, loss, optimizer, rewards, config.seed(), step, run.ranks())
                        .run(stepPrompts, extraPrompts(prompts, step), guard);
                GrpoStepMetrics.Rewards rewarded = result.metrics().rewards();
                int samplesEvery = config.logging().samplesEvery();
                if (samplesEvery > 0 && step % samplesEvery == 0 && run.ranks().writes()) {
                    writeSamples(step, result.completions(), grpo.numGenerations());
                }
                signal.afterStep(step, rewarded.zeroSpreadGroups());
                Map<String, String> shown = new LinkedHashMap<>();
                shown.put("reward", String.format("%.3f", rewarded.mean()));
                shown.put("sample_ex", String.format("%.2f", rewarded.sampleEx()));
                return new StageLoop.Step(result.metrics(), result.updates(), result.skippedUpdates(), shown);
            }, started);
        }
    }

    /**
     * Dynamic sampling's further prompts for a step: round r draws distinct prompts at random from the whole training
     * set, seeded by (run seed, step, r), so that a resumed run draws the same ones.
     */
    private DynamicSampling.ExtraPrompts extraPrompts(List<GrpoPrompt> prompts, long step) {
        return (round, count) -> {
            List<Integer> indices = new ArrayList<>(java.util.stream.IntStream.range(0, prompts.size()).boxed().toList());
            java.util.Collections.shuffle(indices, new java.util.Random(Seeds.derive(run.config().seed(), EXTRA_PROMPTS, step, round)));
            return indices.subList(0, Math.min(count, indices.size())).stream().map(prompts::get).toList();
        };
    }

    /** Every training example's prompt, tokenized; prompts over the limit are left out (and counted). */
    private List<GrpoPrompt> prompts(int maxPromptTokens) {
        List<GrpoPrompt> out = new ArrayList<>();
        int tooLong = 0;
        for (Example example : train.examples()) {
            Prompt prompt = policy.prompts().build(example, train);
            int[] tokens = policy.tokenizer().encode(prompt.text());
            if (tokens.length > maxPromptTokens) {
                tooLong++;
            } else {
                out.add(new GrpoPrompt(example, prompt, tokens));
            }
        }
        if (out.isEmpty()) {
            throw new UserInputException("no training prompt of " + train.source() + " fits in prompt.max_prompt_tokens = "
                    + maxPromptTokens + " tokens");
        }
        if (tooLong > 0) {
            System.err.printf("grpo: %d prompts over prompt.max_prompt_tokens = %d left out%n", tooLong, maxPromptTokens);
        }
        return out;
    }

    private void writeSamples(long step, List<SampledCompletion> completions, int groupSize) {
        int limit = Math.min(completions.size(), LOGGED_GROUPS * groupSize);
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            SampledCompletion c = completions.get(i);
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("step", step);
            record.put("stage", STAGE);
            record.put(SamplesLog.GROUP, i / groupSize);
            record.put("question", c.prompt().example().question());
            record.put("gold", c.prompt().example().goldSql());
            if (i % groupSize == 0) {
                record.put(SamplesLog.PROMPT, c.prompt().prompt().text());
            }
            record.put(SamplesLog.COMPLETION, c.text());
            record.put("sql", c.reward().sql());
            record.put("truncated", c.truncated());
            record.put(SamplesLog.REWARD, c.reward().total());
            record.put(SamplesLog.OUTCOME, c.reward().outcome().name().toLowerCase(java.util.Locale.ROOT));
            Map<String, Object> components = new LinkedHashMap<>();
            c.reward().components().forEach((k, v) -> components.put(k.key(), v));
            record.put("components", components);
            if (c.reward().detail() != null) {
                record.put("detail", c.reward().detail());
            }
            records.add(record);
        }
        run.samples().write(records);
    }
}
