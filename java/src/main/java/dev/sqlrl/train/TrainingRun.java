package dev.sqlrl.train;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.train.run.CheckpointStore;
import dev.sqlrl.train.run.MetricsLog;
import dev.sqlrl.train.run.RunFolder;
import dev.sqlrl.train.run.SamplesLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One stage's run folder opened for training: its resolved config, metrics and samples logs and
 * checkpoint store. A new run saves the resolved config; a resumed one reads it back from the folder,
 * so that it continues with exactly the settings it started with.
 */
public final class TrainingRun implements AutoCloseable {
    private final RunFolder folder;
    private final RunConfig config;
    private final CheckpointStore checkpoints;
    private MetricsLog metrics;
    private SamplesLog samples;

    private TrainingRun(RunFolder folder, RunConfig config) {
        this.folder = folder;
        this.config = config;
        this.checkpoints = new CheckpointStore(folder.checkpointsDir(), config.checkpoint().keepLast(),
                config.checkpoint().keepBest());
    }

    /** A new run folder: {@code dir}, or output_dir/name-stage-timestamp when null. */
    public static TrainingRun create(RunConfig config, String stage, Path dir) {
        Path target = dir != null ? dir : config.outputDir().resolve(config.name() + "-" + stage + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        RunFolder folder = RunFolder.create(target);
        RunConfigs.writeResolved(config, folder.configFile());
        return new TrainingRun(folder, config);
    }

    /** An existing run folder, with the config it was started with ({@code overrides} apply on top). */
    public static TrainingRun resume(Path dir, List<String> overrides) {
        RunFolder folder = RunFolder.open(dir);
        if (!Files.isRegularFile(folder.configFile())) {
            throw new UserInputException("cannot resume " + dir + ": it has no " + folder.configFile().getFileName());
        }
        return new TrainingRun(folder, RunConfigs.load(folder.configFile(), overrides));
    }

    /** Opens the logs, dropping records after {@code resumedStep} (records of steps that will be redone). */
    public void openLogs(long resumedStep) {
        metrics = MetricsLog.open(folder.metricsFile(), resumedStep);
        samples = SamplesLog.open(folder.samplesFile(), resumedStep);
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

    public MetricsLog metrics() {
        return metrics;
    }

    public SamplesLog samples() {
        return samples;
    }

    @Override
    public void close() {
        try {
            if (metrics != null) metrics.close();
        } finally {
            if (samples != null) samples.close();
        }
    }
}
