package dev.sqlrl.data.values;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.DurableFiles;
import dev.sqlrl.bindings.NativeLibrary;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Value indexes on disk, one folder per database content: {@code <root>/<FORMAT>/<sha-256 of the database file>/}.
 * A changed database has another hash, so a stale index is never found; an index that fails to open or to verify
 * (a crash mid-write, a damaged file, a record that disagrees) is deleted and rebuilt. Each index is built in a
 * hidden folder and published by one atomic rename, with {@code info.json} written last, so a reader sees a
 * complete index or none; when two processes build the same index, the first rename wins and the other uses it.
 * Opened indexes stay open for the life of the cache.
 */
public final class ValueIndexCache implements Closeable {
    /** Bumped whenever what is indexed or how changes, so that old indexes are not read. */
    static final String FORMAT = "values-v1";
    static final String INFO = "info.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Path, ValueIndexCache> SHARED = new ConcurrentHashMap<>();
    /**
     * Lucene logs a warning on first use that the incubating Vector API is not enabled; value search uses no
     * vectors, so the warning would only puzzle users. Held here: java.util.logging keeps loggers weakly.
     */
    private static final java.util.logging.Logger LUCENE_VECTOR_LOG = quietVectorWarning();

    private final Path root;
    private final PrintStream progress;
    private final Map<Path, ValueIndex> open = new ConcurrentHashMap<>();

    public ValueIndexCache(Path root, PrintStream progress) {
        this.root = root.resolve(FORMAT);
        this.progress = progress;
    }

    /** The process-wide cache under sqlrl's cache folder (SQLRL_CACHE_DIR, else ~/.cache/sqlrl), progress on stderr. */
    public static ValueIndexCache shared() {
        return SHARED.computeIfAbsent(NativeLibrary.cacheDir().resolve("values"), dir -> new ValueIndexCache(dir, System.err));
    }

    /** The index of {@code dbFile}'s current content: opened from the cache, or built (once) when missing or damaged. */
    public ValueIndex index(Path dbFile) {
        return open.computeIfAbsent(dbFile.toAbsolutePath().normalize(), this::openOrBuild);
    }

    private ValueIndex openOrBuild(Path dbFile) {
        try {
            Path dir = root.resolve(sha256(dbFile));
            if (Files.isDirectory(dir)) {
                try {
                    return ValueIndex.open(dir, readInfo(dir));
                } catch (IOException | RuntimeException e) {
                    progress.printf("values: cached index %s is damaged (%s); rebuilding%n", dir, e.getMessage());
                    DurableFiles.deleteRecursively(dir);
                }
            }
            build(dbFile, dir);
            return ValueIndex.open(dir, readInfo(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("value index of " + dbFile + ": " + e.getMessage(), e);
        }
    }

    void build(Path dbFile, Path dir) throws IOException {
        Files.createDirectories(root);
        Path temp = DurableFiles.newTempDirectory(root, "." + dir.getFileName() + ".");
        try {
            long start = System.nanoTime();
            long values = ValueIndexBuilder.build(dbFile, temp, progress);
            double seconds = (System.nanoTime() - start) / 1e9;
            ValueIndex.Info info = new ValueIndex.Info(dbFile.getFileName().toString(), values, seconds, folderBytes(temp));
            Path infoFile = temp.resolve(INFO);
            Files.write(infoFile, JSON.writeValueAsBytes(info));
            DurableFiles.syncFile(infoFile);
            DurableFiles.syncDirectory(temp);
            try {
                Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Linux refuses to rename onto a non-empty folder (ENOTEMPTY, reported as one of several exceptions)
                if (!Files.isDirectory(dir)) throw e;
                DurableFiles.deleteRecursively(temp); // another process published it first: use theirs
                return;
            }
            DurableFiles.syncDirectory(root);
            progress.printf("values: indexed %,d values of %s in %.1f s (%,d bytes)%n", values, dbFile.getFileName(),
                    seconds, info.bytes());
        } catch (IOException | RuntimeException e) {
            DurableFiles.deleteQuietly(temp);
            throw e;
        }
    }

    private static ValueIndex.Info readInfo(Path dir) throws IOException {
        Path file = dir.resolve(INFO);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + INFO);
        }
        return JSON.readValue(file.toFile(), ValueIndex.Info.class);
    }

    private static long folderBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path file : files.toList()) total += Files.size(file);
            return total;
        }
    }

    private static java.util.logging.Logger quietVectorWarning() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        for (ValueIndex index : open.values()) {
            index.close();
        }
        open.clear();
    }
}
