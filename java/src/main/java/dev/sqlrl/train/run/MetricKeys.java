package dev.sqlrl.train.run;

/**
 * The metric names of metrics.jsonl, each declared once: the contract between the metrics records that write them
 * (their components name their key with {@link Metric}: {@code SftStepMetrics}, {@code GrpoStepMetrics},
 * {@code EvalMetrics}, {@code MemoryMetrics}, written by {@link MetricsJson}) and {@link RunPlots}, TensorBoard and
 * anyone reading a run. Every record has {@value #STEP} and {@value #STAGE}; the rest depend on the stage, and a
 * chart shows only what a run recorded. Values are per logged step. The charted ones:
 * <table>
 * <caption>Metric keys</caption>
 * <tr><th>key</th><th>stage</th><th>meaning</th><th>chart</th></tr>
 * <tr><td>{@value #LOSS}</td><td>sft, grpo</td><td>training loss of the step</td><td>loss.png</td></tr>
 * <tr><td>{@value #REWARD}</td><td>grpo</td><td>mean total (weighted) reward of the step's completions</td><td>reward.png</td></tr>
 * <tr><td>{@value #REWARD_COMPONENT_PREFIX}&lt;component&gt;</td><td>grpo</td><td>mean of one reward component
 *     before weighting, e.g. reward/execution, reward/format</td><td>reward.png</td></tr>
 * <tr><td>{@value #KL}</td><td>grpo</td><td>mean k3 KL to the reference over active tokens</td><td>kl.png</td></tr>
 * <tr><td>{@value #EVAL_EX}</td><td>eval</td><td>execution accuracy on the evaluation split</td><td>ex.png</td></tr>
 * <tr><td>{@value #TRAIN_SAMPLE_EX}</td><td>grpo</td><td>share of the step's sampled completions whose result
 *     matches the gold query's</td><td>ex.png</td></tr>
 * <tr><td>{@value #COMPLETION_LENGTH_MEAN}, {@value #COMPLETION_LENGTH_MAX}</td><td>grpo</td><td>completion length in
 *     tokens</td><td>completion_length.png</td></tr>
 * <tr><td>{@value #TOKENS_PER_S_SAMPLE}</td><td>grpo</td><td>generated tokens per second while sampling</td>
 *     <td>throughput.png</td></tr>
 * <tr><td>{@value #TOKENS_PER_S_UPDATE}</td><td>sft, grpo</td><td>tokens per second through the training
 *     forward/backward</td><td>throughput.png</td></tr>
 * <tr><td>{@value #LEARNING_RATE}</td><td>sft, grpo</td><td>learning rate used by the step</td><td>lr.png</td></tr>
 * <tr><td>{@value #GRAD_NORM}</td><td>sft, grpo</td><td>gradient norm before clipping</td><td>grad_norm.png</td></tr>
 * </table>
 * When a metric appears under several stages (loss in sft and in grpo), each stage is its own series.
 */
public final class MetricKeys {
    // every line
    public static final String STEP = JsonLinesFile.STEP;
    public static final String STAGE = "stage";

    // training steps (sft and grpo)
    public static final String LOSS = "loss";
    public static final String LEARNING_RATE = "lr";
    public static final String GRAD_NORM = "grad_norm";
    public static final String TOKENS_PER_S_UPDATE = "tokens_per_s/update";
    /** Seconds of the step's forward/backward passes and optimizer updates. */
    public static final String TIME_UPDATE_S = "time/update_s";

    // sft steps
    /** Answer (target) tokens of the step: the loss is their mean negative log-likelihood. */
    public static final String ANSWER_TOKENS = "answer_tokens";
    /** Whether the step's update was skipped for a non-finite loss or gradient. */
    public static final String SKIPPED = "skipped";

    // grpo steps: rewards and advantages of the sampled completions
    public static final String REWARD = "reward";
    public static final String REWARD_STD = "reward_std";
    public static final String REWARD_MIN = "reward_min";
    public static final String REWARD_MAX = "reward_max";
    /** Mean over groups of the standard deviation of a group's rewards. */
    public static final String REWARD_GROUP_STD = "reward_group_std";
    /** Fraction of groups whose completions all got the same reward (no learning signal). */
    public static final String ZERO_SPREAD_GROUPS = "zero_spread_groups";
    public static final String REWARD_COMPONENT_PREFIX = "reward/";
    /** grpo.dynamic_sampling: groups without a reward spread set aside, over every round of the step. */
    public static final String DYNAMIC_DROPPED_GROUPS = "dynamic_sampling/dropped_groups";
    /** grpo.dynamic_sampling: prompts sampled beyond the step's own. */
    public static final String DYNAMIC_EXTRA_PROMPTS = "dynamic_sampling/extra_prompts";
    /** grpo.dynamic_sampling: extra sampling rounds of the step. */
    public static final String DYNAMIC_ROUNDS = "dynamic_sampling/rounds";
    public static final String TRAIN_SAMPLE_EX = "train/sample_ex";
    public static final String ADVANTAGE_MEAN = "advantage/mean";
    public static final String ADVANTAGE_STD = "advantage/std";
    public static final String ADVANTAGE_MIN = "advantage/min";
    public static final String ADVANTAGE_MAX = "advantage/max";
    /** Mean -log p of the sampled tokens: an estimate of the sampling distribution's entropy. */
    public static final String ENTROPY = "entropy";
    public static final String COMPLETION_LENGTH_MEAN = "completion_length/mean";
    public static final String COMPLETION_LENGTH_MIN = "completion_length/min";
    public static final String COMPLETION_LENGTH_MAX = "completion_length/max";
    /** Fraction of completions that ended without a stop token (cut at max_completion_length). */
    public static final String COMPLETION_LENGTH_TRUNCATED_FRACTION = "completion_length/truncated_fraction";
    public static final String TOKENS_PER_S_SAMPLE = "tokens_per_s/sample";

    // grpo steps: the loss over the updates (token averages are over active tokens)
    public static final String KL = "kl";
    /** Fraction of active tokens clipped at ratio &lt; 1 - eps_low with a negative advantage (TRL's clip_ratio/low_mean). */
    public static final String CLIP_RATIO_LOW = "clip_ratio/low";
    /** Fraction clipped at ratio &gt; 1 + eps_high with a positive advantage (TRL's clip_ratio/high_mean). */
    public static final String CLIP_RATIO_HIGH = "clip_ratio/high";
    /** Fraction clipped either way (TRL's clip_ratio/region_mean): their policy gradient is 0. */
    public static final String CLIP_RATIO_REGION = "clip_ratio/region";
    /** Mean importance ratio exp(logp - old logp) over active tokens; 1 while the policy has not moved. */
    public static final String IMPORTANCE_RATIO_MEAN = "importance_ratio/mean";
    public static final String IMPORTANCE_RATIO_MIN = "importance_ratio/min";
    public static final String IMPORTANCE_RATIO_MAX = "importance_ratio/max";
    /** Completion tokens that carried loss, summed over the step's updates. */
    public static final String ACTIVE_TOKENS = "active_tokens";
    public static final String UPDATES = "updates";
    public static final String SKIPPED_UPDATES = "skipped_updates";
    public static final String TIME_SAMPLE_S = "time/sample_s";
    public static final String TIME_REWARD_S = "time/reward_s";
    public static final String TIME_REFERENCE_S = "time/reference_s";

    // evaluations
    /** The stage an evaluation was of (sft or grpo). */
    public static final String OF_STAGE = "of_stage";
    public static final String EVAL_EX = "eval/ex";
    public static final String EVAL_EM = "eval/em";
    public static final String EVAL_EXAMPLES = "eval/examples";
    /** Examples not asked because their prompt exceeded the token limit. */
    public static final String EVAL_SKIPPED = "eval/skipped";
    public static final String EVAL_SECONDS = "eval/seconds";

    // memory, with every training step
    public static final String MEMORY_WEIGHTS_BYTES = "memory/weights_bytes";
    public static final String MEMORY_LORA_BYTES = "memory/lora_bytes";
    /** Peak device memory; only where the device reports one (CUDA). */
    public static final String MEMORY_DEVICE_PEAK_BYTES = "memory/device_peak_bytes";
    public static final String MEMORY_JVM_HEAP_BYTES = "memory/jvm_heap_bytes";

    private MetricKeys() {}

    /** The key of one reward component's mean, e.g. {@code reward/execution}. */
    public static String rewardComponent(String component) {
        return REWARD_COMPONENT_PREFIX + component;
    }
}
