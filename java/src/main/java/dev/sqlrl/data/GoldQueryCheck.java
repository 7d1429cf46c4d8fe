package dev.sqlrl.data;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.DurableFiles;
import dev.sqlrl.bindings.NativeLibrary;
import dev.sqlrl.sql.ExecutionResult;
import dev.sqlrl.sql.SandboxLimits;
import dev.sqlrl.sql.SqlSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs every gold query of a split once in the sandbox and lists the ones that fail, by file:line: a gold query
 * that does not run makes every answer to its question wrong (EX) and teaches SFT SQL that cannot work. The
 * outcome is cached per split content (the queries, their database files' sizes and times) under sqlrl's cache
 * folder, so a split is checked once; timeouts are not cached (they depend on the machine's load).
 */
public final class GoldQueryCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CACHE_VERSION = "gold-check-1";

    /** A gold query that failed: its example and the sandbox's one-line reason. */
    public record Failure(Example example, String error) {
        /** "file:line: CATEGORY: message". */
        public String describe() {
            return example.location() + ": " + error;
        }
    }

    private record CachedFailure(int index, String error) {}

    private GoldQueryCheck() {}

    /** The failing gold queries of {@code dataset}, in example order. */
    public static List<Failure> run(Dataset dataset, SandboxLimits limits) {
        List<Example> examples = dataset.examples();
        Path cacheFile = cacheFile(examples);
        List<Failure> cached = readCache(cacheFile, examples);
        if (cached != null) return cached;

        List<Failure> failures = new ArrayList<>();
        boolean transientFailure = false;
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "gold-check");
            t.setDaemon(true);
            return t;
        });
        try (SqlSandbox sandbox = new SqlSandbox(limits)) {
            List<Future<ExecutionResult>> results = new ArrayList<>();
            for (Example e : examples) results.add(pool.submit(() -> sandbox.execute(e.dbPath(), e.goldSql())));
            for (int i = 0; i < examples.size(); i++) {
                ExecutionResult result = results.get(i).get();
                if (!result.isSuccess()) {
                    failures.add(new Failure(examples.get(i), result.summary()));
                    transientFailure |= result.isTransient();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the gold queries", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("checking the gold queries failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        if (!transientFailure) writeCache(cacheFile, examples, failures);
        return failures;
    }

    private static Path cacheFile(List<Example> examples) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(CACHE_VERSION.getBytes(StandardCharsets.UTF_8));
            for (Example e : examples) {
                Path db = e.dbPath().toAbsolutePath();
                String fileState = Files.isRegularFile(db) ? Files.size(db) + "/" + Files.getLastModifiedTime(db).toMillis() : "-";
                sha.update((e.goldSql() + "\u0000" + db + "\u0000" + fileState + "\u0000").getBytes(StandardCharsets.UTF_8));
            }
            return NativeLibrary.cacheDir().resolve("gold-check").resolve(HexFormat.of().formatHex(sha.digest()) + ".json");
        } catch (IOException e) {
            return null; // an unreadable database: no cache, the sandbox will say what is wrong
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cached failures, or null when there is no valid cache (missing, corrupt, or not of these examples). */
    private static List<Failure> readCache(Path file, List<Example> examples) {
        if (file == null || !Files.isRegularFile(file)) return null;
        try {
            List<CachedFailure> cached = JSON.readValue(file.toFile(), new TypeReference<List<CachedFailure>>() {});
            List<Failure> failures = new ArrayList<>();
            for (CachedFailure c : cached) {
                if (c.index() < 0 || c.index() >= examples.size() || c.error() == null) return null;
                failures.add(new Failure(examples.get(c.index()), c.error()));
            }
            return failures;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void writeCache(Path file, List<Example> examples, List<Failure> failures) {
        if (file == null) return;
        List<CachedFailure> cached = failures.stream()
                .map(f -> new CachedFailure(examples.indexOf(f.example()), f.error())).toList();
        try {
            DurableFiles.writeAtomically(file, temp -> JSON.writeValue(temp.toFile(), cached));
        } catch (RuntimeException e) {
            // the cache only saves time; a read-only cache folder must not stop training
        }
    }
}
