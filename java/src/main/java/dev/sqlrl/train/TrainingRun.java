package dev.sqlrl.train;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.train.run.CheckpointStore;
import dev.sqlrl.train.run.MetricsLog;
import dev.sqlrl.train.run.RunFolder;
import dev.sqlrl.train.run.SamplesLog;
import dev.sqlrl.train.run.TensorBoardEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One stage's run folder opened for training: its resolved config, metrics and samples logs (both also
 * written to the run's TensorBoard event file) and checkpoint store, and the ranks that train it. A new run saves
 * the resolved config; a resumed one reads it back from the folder, so that it continues with exactly the settings
 * it started with. With several ranks only the leader writes the folder; the others read its checkpoints.
 */
public final class TrainingRun implements AutoCloseable {
    private final RunFolder folder;
    private final RunConfig config;
    private final CheckpointStore checkpoints;
    private final DataParallel ranks;
    private MetricsLog metrics;
    private SamplesLog samples;
    private long resumedStep;
    private TensorBoardEvents tensorboard;

    private TrainingRun(RunFolder folder, RunConfig config, DataParallel ranks) {
        this.folder = folder;
        this.config = config;
        this.ranks = ranks;
        this.checkpoints = new CheckpointStore(folder.checkpointsDir(), config.checkpoint().keepLast(),
                config.checkpoint().keepBest());
    }

    /** A new run folder: {@code dir}, or output_dir/name-stage-timestamp when null. */
    public static TrainingRun create(RunConfig config, String stage, Path dir) {
        return create(config, stage, dir, DataParallel.single());
    }

    /** As above, made by the leader of {@code ranks}; the others are told its path and open it without writing. */
    public static TrainingRun create(RunConfig config, String stage, Path dir, DataParallel ranks) {
        RunFolder folder = null;
        if (ranks.writes()) {
            Path target = dir != null ? dir : config.outputDir().resolve(config.name() + "-" + stage + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            folder = RunFolder.create(target);
            folder.recordConfig(config, ranks.worldSize());
        }
        byte[] path = ranks.fromLeader(folder == null ? new byte[0]
                : folder.dir().toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
        if (folder == null) folder = RunFolder.open(Path.of(new String(path, StandardCharsets.UTF_8)));
        return new TrainingRun(folder, config, ranks);
    }

    /**
     * An existing run folder, with the config it was started with. {@code overrides} may change only what
     * watches or stores the run ({@link #RESUMABLE_KEYS}); they are recorded in its config.yaml.
     */
    public static TrainingRun resume(Path dir, List<String> overrides) {
        return resume(dir, overrides, DataParallel.single());
    }

    /** As above for one of {@code ranks}: only the leader records the overrides. */
    public static TrainingRun resume(Path dir, List<String> overrides, DataParallel ranks) {
        RunConfig config = resumedConfig(dir, overrides);
        RunFolder folder = RunFolder.open(dir);
        if (!overrides.isEmpty() && ranks.writes()) folder.recordConfig(config, ranks.worldSize());
        return new TrainingRun(folder, config, ranks);
    }

    /** The config a resumed run continues with: its own, with {@code overrides} of {@link #RESUMABLE_KEYS} only. */
    public static RunConfig resumedConfig(Path dir, List<String> overrides) {
        RunFolder folder = RunFolder.open(dir);
        if (!Files.isRegularFile(folder.configFile())) {
            throw new UserInputException("cannot resume " + dir + ": it has no " + folder.configFile().getFileName());
        }
        for (String override : overrides) {
            String key = override.contains("=") ? override.substring(0, override.indexOf('=')).strip() : override.strip();
            if (RESUMABLE_KEYS.stream().noneMatch(k -> key.equals(k) || (k.endsWith(".") && key.startsWith(k)))) {
                throw new UserInputException("--resume cannot change " + key + ": the run's step count, schedule, batches,"
                        + " data order and optimizer state were made for its config.yaml; to train further or differently,"
                        + " start a new run from its adapter with --adapter " + dir.resolve("checkpoints") + "/step-N/adapter");
            }
        }
        return RunConfigs.load(folder.configFile(), overrides);
    }

    /**
     * Keys (or key prefixes ending in a dot) that --set may change when resuming: they decide what is watched,
     * kept and where things are, not the training (the same steps, batches and updates follow).
     */
    public static final List<String> RESUMABLE_KEYS = List.of("eval.", "checkpoint.", "logging.", "output_dir",
            "model.path", "model.device", "model.threads", "model.dense_sampling", "model.cuda_graphs", "model.decode_step",
            "model.logprob_chunk",
            "model.gradient_checkpointing", "data.path", "reward.threads", "distributed.");

    /**
     * Opens the metrics log, dropping records after {@code resumedStep} (records of steps that will be redone); the
     * samples log opens (and is trimmed the same way) when first used, so a stage that writes no samples leaves none.
     * Both also write to a new TensorBoard event file, which supersedes the earlier files' events after that step.
     */
    public void openLogs(long resumedStep) {
        if (!ranks.writes()) return;
        tensorboard = TensorBoardEvents.open(folder.tensorboardDir(), resumedStep + 1);
        metrics = MetricsLog.open(folder.metricsFile(), resumedStep, tensorboard);
        this.resumedStep = resumedStep;
    }

    public RunFolder folder() {
        return folder;
    }

    public RunConfig config() {
        return config;
    }

    public CheckpointStore checkpoints() {
        return checkpoints;
    }

    public DataParallel ranks() {
        return ranks;
    }

    public MetricsLog metrics() {
        requireWriter("metrics");
        return metrics;
    }

    public SamplesLog samples() {
        requireWriter("samples");
        if (samples == null) samples = SamplesLog.open(folder.samplesFile(), resumedStep, tensorboard);
        return samples;
    }

    private void requireWriter(String what) {
        if (!ranks.writes()) throw new IllegalStateException("rank " + ranks.rank() + " does not write " + what + ": rank 0 does");
    }

    @Override
    public void close() {
        try {
            if (metrics != null) metrics.close();
        } finally {
            try {
                if (samples != null) samples.close();
            } finally {
                if (tensorboard != null) tensorboard.close();
            }
        }
    }
}
