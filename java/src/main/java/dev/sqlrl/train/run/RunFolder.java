package dev.sqlrl.train.run;

import dev.sqlrl.DurableFiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sqlrl.UserInputException;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.RunConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The folder of one training run and the names of what it holds:
 * <pre>
 * config.yaml      the resolved configuration the run was started with
 * metrics.jsonl    {@link MetricsLog}
 * samples.jsonl    {@link SamplesLog}
 * tensorboard/     {@link TensorBoardEvents}: the metrics and samples again, as TensorBoard event files
 * checkpoints/     {@link CheckpointStore}: step-000100/, step-000200/, ...
 * init-adapter/    the adapters the stage started from (e.g. the SFT stage's best), when it did
 * evals/           one folder per evaluation during training: sft-step-000120/ predictions.jsonl, results.jsonl, report.md
 * plots/           {@link RunPlots}
 * summary.json     final numbers, written when the run ends
 * </pre>
 * A folder is recognised as a run by its checkpoints/ folder, which {@link #create} makes first.
 */
public final class RunFolder {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    /**
     * Starts a new run in {@code dir}, creating it. An existing folder is accepted only when it is
     * empty, so that no earlier run is overwritten or mixed into this one.
     */
    public static RunFolder create(Path dir) {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new UserInputException("run folder " + dir + " exists and is not a folder");
            }
            if (!isEmpty(dir)) {
                throw new UserInputException("run folder " + dir + " already exists and is not empty: resume it with"
                        + " --resume, or choose another folder");
            }
        }
        RunFolder run = new RunFolder(dir);
        try {
            Files.createDirectories(run.checkpointsDir());
            Files.createDirectories(run.plotsDir());
        } catch (IOException e) {
            throw new UserInputException("cannot create run folder " + dir + ": " + e.getMessage(), e);
        }
        return run;
    }

    /** An existing run, to resume or to inspect; an error naming {@code dir} when it is not one. */
    public static RunFolder open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserInputException("run folder " + dir + " does not exist");
        }
        RunFolder run = new RunFolder(dir);
        if (!Files.isDirectory(run.checkpointsDir())) {
            throw new UserInputException(dir + " is not a sqlrl run folder (it has no checkpoints/ folder)");
        }
        return run;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Records the run's resolved configuration in config.yaml, replacing it atomically (a resumed run whose
     * --set changed a setting records the change, so that the next resume continues with it).
     */
    public void recordConfig(RunConfig config) {
        recordConfig(config, 1);
    }

    /** As above, noting the number of data-parallel ranks that train the run (resuming may use another number). */
    public void recordConfig(RunConfig config, int worldSize) {
        String ranks = worldSize > 1 ? "# Trained by " + worldSize + " data-parallel ranks (WORLD_SIZE).\n" : "";
        DurableFiles.writeAtomically(configFile(), ("# Resolved configuration of run '" + config.name()
                + "': every key, defaults included.\n" + ranks + RunConfigs.toYaml(config)).getBytes(StandardCharsets.UTF_8));
    }

    public Path configFile() {
        return dir.resolve("config.yaml");
    }

    public Path metricsFile() {
        return dir.resolve("metrics.jsonl");
    }

    public Path samplesFile() {
        return dir.resolve("samples.jsonl");
    }

    public Path tensorboardDir() {
        return dir.resolve("tensorboard");
    }

    public Path checkpointsDir() {
        return dir.resolve("checkpoints");
    }

    /** Where the evaluation after {@code step} of {@code stage} writes its predictions, results and report. */
    public Path evaluationDir(String stage, long step) {
        return dir.resolve("evals").resolve(String.format("%s-step-%06d", stage, step));
    }

    public Path initialAdaptersDir() {
        return dir.resolve("init-adapter");
    }

    /**
     * Copies the PEFT folder the stage starts from into the run (init-adapter/, complete or absent: copied
     * under a hidden name, then renamed), so that resuming before the first checkpoint starts from the same
     * adapters even when their original folder has moved or gone. Returns the copy.
     */
    public Path keepInitialAdapters(Path adapterDir) {
        if (!Files.isDirectory(adapterDir)) {
            throw new UserInputException("adapter folder " + adapterDir + " does not exist");
        }
        Path target = initialAdaptersDir();
        Path temp = dir.resolve(".init-adapter.tmp");
        try (Stream<Path> files = Files.list(adapterDir)) {
            DurableFiles.deleteRecursively(temp);
            Files.createDirectories(temp);
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path copy = temp.resolve(file.getFileName());
                Files.copy(file, copy);
                DurableFiles.syncFile(copy);
            }
            DurableFiles.syncDirectory(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.syncDirectory(dir);
            return target;
        } catch (IOException e) {
            DurableFiles.deleteQuietly(temp);
            throw new UserInputException("cannot copy the initial adapters " + adapterDir + " into " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Removes the folder when the run left nothing in it worth keeping (no checkpoint, no metrics record): a start
     * that failed before its first step. A run that failed later keeps its folder, to be read and resumed.
     */
    public void removeIfUnused() {
        try {
            boolean hasCheckpoint;
            try (Stream<Path> entries = Files.exists(checkpointsDir()) ? Files.list(checkpointsDir()) : Stream.empty()) {
                hasCheckpoint = entries.findAny().isPresent();
            }
            boolean hasMetrics = Files.exists(metricsFile()) && Files.size(metricsFile()) > 0;
            if (!hasCheckpoint && !hasMetrics) DurableFiles.deleteRecursively(dir);
        } catch (IOException e) {
            // the failure that brought us here is what the user needs to see
        }
    }

    /** The initial adapters kept by {@link #keepInitialAdapters}, if the run started from some. */
    public Optional<Path> initialAdapters() {
        Path kept = initialAdaptersDir();
        return Files.isDirectory(kept) ? Optional.of(kept) : Optional.empty();
    }

    public Path plotsDir() {
        return dir.resolve("plots");
    }

    public Path summaryFile() {
        return dir.resolve("summary.json");
    }

    /** Writes config.yaml atomically (a crash leaves the previous file or the new one). */
    public void writeConfig(String yaml) {
        DurableFiles.writeAtomically(configFile(), yaml.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes summary.json atomically, indented; NaN and infinities become null. */
    public void writeSummary(Map<String, Object> summary) {
        try {
            byte[] json = JSON.writeValueAsBytes(JsonLinesFile.jsonSafe(summary));
            DurableFiles.writeAtomically(summaryFile(), json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("summary cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
