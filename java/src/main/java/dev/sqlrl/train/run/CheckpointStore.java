package dev.sqlrl.train.run;

import dev.sqlrl.DurableFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints in a run's checkpoints/ folder, saved so that a crash at any instant (kill -9, power
 * loss) never leaves something that looks complete and is not:
 * <ol>
 * <li>the caller writes its files into a hidden temporary folder ({@code .tmp-step-...});</li>
 * <li>the store hashes and fsyncs them, then writes {@value CheckpointMarker#FILE_NAME} last (the
 *     completion marker, with each file's SHA-256);</li>
 * <li>one atomic rename publishes the folder as {@code step-000123}, and the parent is fsynced.</li>
 * </ol>
 * Readers trust only folders whose marker is present and whose files match its hashes; temporary
 * folders and folders that fail that check are ignored, and removed by the next save. After a save
 * the store keeps the newest {@code keepLast} checkpoints, plus the best-scoring one when
 * {@code keepBest} (highest score; on a tie the earliest). One process writes a run's checkpoints
 * at a time. I/O failures surface as {@link UncheckedIOException}.
 */
public final class CheckpointStore {
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
    private static final String HIDDEN_PREFIX = ".";

    private final Path dir;
    private final int keepLast;
    private final boolean keepBest;

    public CheckpointStore(Path checkpointsDir, int keepLast, boolean keepBest) {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be at least 1, got " + keepLast);
        }
        this.dir = checkpointsDir;
        this.keepLast = keepLast;
        this.keepBest = keepBest;
        try {
            Files.createDirectories(checkpointsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + checkpointsDir + ": " + e.getMessage(), e);
        }
    }

    /** The folder name of a step's checkpoint: {@code step-000123} (more digits past 999,999). */
    public static String dirName(long step) {
        return String.format("step-%06d", step);
    }

    /**
     * Saves the checkpoint of {@code step}, replacing one already saved for that step, then applies
     * retention. {@code score} ranks checkpoints for "best" (higher is better) and must be finite.
     *
     * @return the published folder
     */
    public Path save(long step, CheckpointContents contents, OptionalDouble score) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be 0 or more, got " + step);
        }
        if (score.isPresent() && !Double.isFinite(score.getAsDouble())) {
            throw new IllegalArgumentException("checkpoint score must be finite, got " + score.getAsDouble());
        }
        Path target = dir.resolve(dirName(step));
        Path temp = null;
        try {
            List<Checkpoint> complete = removeLeftovers();
            temp = DurableFiles.newTempDirectory(dir, HIDDEN_PREFIX + "tmp-" + dirName(step) + "-");
            contents.writeTo(temp);
            Map<String, String> hashes = hashAndSync(temp);
            if (hashes.isEmpty()) {
                throw new IllegalStateException("checkpoint of step " + step + " wrote no files");
            }
            CheckpointMarker marker = new CheckpointMarker(step, score, Instant.now().truncatedTo(ChronoUnit.MILLIS), hashes);
            Path markerFile = temp.resolve(CheckpointMarker.FILE_NAME);
            Files.write(markerFile, marker.toJson());
            DurableFiles.syncFile(markerFile);
            DurableFiles.syncDirectory(temp);
            // a re-save of the same step: hide the old one first so the rename below can take its name
            Path replaced = Files.exists(target, LinkOption.NOFOLLOW_LINKS) ? hide(target) : null;
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            DurableFiles.syncDirectory(dir);
            if (replaced != null) {
                DurableFiles.deleteRecursively(replaced);
            }
            complete.removeIf(checkpoint -> checkpoint.step() == step);
            complete.add(new Checkpoint(step, target, score));
            applyRetention(complete);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save checkpoint " + target + ": " + e.getMessage(), e);
        } finally {
            DurableFiles.deleteQuietly(temp);
        }
    }

    /** The newest complete checkpoint: the one to resume from. */
    public Optional<Checkpoint> latest() {
        for (Map.Entry<Long, Path> entry : stepDirs().descendingMap().entrySet()) {
            Optional<Checkpoint> checkpoint = verified(entry.getKey(), entry.getValue());
            if (checkpoint.isPresent()) {
                return checkpoint;
            }
        }
        return Optional.empty();
    }

    /** The complete checkpoint with the highest score (the earliest on a tie); empty when none is scored. */
    public Optional<Checkpoint> best() {
        return best(list());
    }

    /** Every complete checkpoint, oldest first. */
    public List<Checkpoint> list() {
        List<Checkpoint> complete = new ArrayList<>();
        stepDirs().forEach((step, path) -> verified(step, path).ifPresent(complete::add));
        return complete;
    }

    private static Optional<Checkpoint> best(List<Checkpoint> oldestFirst) {
        Checkpoint best = null;
        for (Checkpoint checkpoint : oldestFirst) {
            if (checkpoint.score().isPresent()
                    && (best == null || checkpoint.score().getAsDouble() >= best.score().getAsDouble())) {
                best = checkpoint;
            }
        }
        return Optional.ofNullable(best);
    }

    private Optional<Checkpoint> verified(long step, Path path) {
        return CheckpointMarker.read(path)
                .filter(marker -> marker.step() == step && marker.verifies(path))
                .map(marker -> new Checkpoint(step, path, marker.score()));
    }

    /** step-N folders by step, complete or not. */
    private TreeMap<Long, Path> stepDirs() {
        TreeMap<Long, Path> byStep = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(path -> {
                Matcher m = STEP_DIR.matcher(path.getFileName().toString());
                // only the names this store writes: "step-7" or "step-0000007" are someone else's
                if (m.matches() && m.group(1).length() <= 18 && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    long step = Long.parseLong(m.group(1));
                    if (path.getFileName().toString().equals(dirName(step))) {
                        byStep.put(step, path);
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return byStep;
    }

    /**
     * Removes temporary folders of interrupted saves and step folders that do not verify.
     *
     * @return the complete checkpoints, oldest first
     */
    private List<Checkpoint> removeLeftovers() throws IOException {
        List<Path> doomed = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(path -> path.getFileName().toString().startsWith(HIDDEN_PREFIX + "tmp-")
                    || path.getFileName().toString().startsWith(HIDDEN_PREFIX + "old-")).forEach(doomed::add);
        }
        for (Path path : doomed) {
            DurableFiles.deleteRecursively(path);
        }
        List<Checkpoint> complete = new ArrayList<>();
        for (Map.Entry<Long, Path> entry : stepDirs().entrySet()) {
            Optional<Checkpoint> checkpoint = verified(entry.getKey(), entry.getValue());
            if (checkpoint.isPresent()) {
                complete.add(checkpoint.get());
            } else {
                hideAndDelete(entry.getValue());
            }
        }
        return complete;
    }

    private void applyRetention(List<Checkpoint> complete) throws IOException {
        complete.sort(Comparator.comparingLong(Checkpoint::step));
        Set<Path> keep = new HashSet<>();
        complete.stream().sorted(Comparator.comparingLong(Checkpoint::step).reversed()).limit(keepLast)
                .forEach(checkpoint -> keep.add(checkpoint.dir()));
        if (keepBest) {
            best(complete).ifPresent(checkpoint -> keep.add(checkpoint.dir()));
        }
        for (Checkpoint checkpoint : complete) {
            if (!keep.contains(checkpoint.dir())) {
                hideAndDelete(checkpoint.dir());
            }
        }
    }

    /**
     * Renames a step folder out of sight before deleting it, so that a crash halfway through the
     * deletion cannot leave a step folder with some of its files gone.
     */
    private void hideAndDelete(Path stepDir) throws IOException {
        DurableFiles.deleteRecursively(hide(stepDir));
    }

    private Path hide(Path stepDir) throws IOException {
        Path hidden = dir.resolve(HIDDEN_PREFIX + "old-" + stepDir.getFileName() + "-" + UUID.randomUUID());
        Files.move(stepDir, hidden, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(dir);
        return hidden;
    }

    private static Map<String, String> hashAndSync(Path root) throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                String name = root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(path);
                } else if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalStateException("checkpoint files must be regular files, not " + path);
                } else if (name.equals(CheckpointMarker.FILE_NAME)) {
                    throw new IllegalStateException(CheckpointMarker.FILE_NAME + " is the store's own marker; "
                            + "the checkpoint must not write it");
                } else {
                    DurableFiles.syncFile(path);
                    hashes.put(name, CheckpointMarker.sha256(path));
                }
            }
        }
        for (Path sub : dirs) {
            DurableFiles.syncDirectory(sub);
        }
        return hashes;
    }
}
