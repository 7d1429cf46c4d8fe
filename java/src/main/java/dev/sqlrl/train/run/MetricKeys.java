package dev.sqlrl.train.run;

/**
 * The metric names of metrics.jsonl: the contract between the trainers that write them and
 * {@link RunPlots} (and anyone reading a run). Every record has {@value #STEP} and {@value #STAGE};
 * the rest are optional, and a chart shows only what a run recorded. Values are per logged step.
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
    public static final String STEP = JsonLinesFile.STEP;
    public static final String STAGE = "stage";
    public static final String LOSS = "loss";
    public static final String REWARD = "reward";
    public static final String REWARD_COMPONENT_PREFIX = "reward/";
    public static final String KL = "kl";
    public static final String EVAL_EX = "eval/ex";
    public static final String TRAIN_SAMPLE_EX = "train/sample_ex";
    public static final String COMPLETION_LENGTH_MEAN = "completion_length/mean";
    public static final String COMPLETION_LENGTH_MAX = "completion_length/max";
    public static final String TOKENS_PER_S_SAMPLE = "tokens_per_s/sample";
    public static final String TOKENS_PER_S_UPDATE = "tokens_per_s/update";
    public static final String LEARNING_RATE = "lr";
    public static final String GRAD_NORM = "grad_norm";

    private MetricKeys() {}

    /** The key of one reward component's mean, e.g. {@code reward/execution}. */
    public static String rewardComponent(String component) {
        return REWARD_COMPONENT_PREFIX + component;
    }
}
