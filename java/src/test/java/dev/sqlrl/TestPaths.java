package dev.sqlrl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the read-only fixtures (../shared) are. Tests that need them are skipped when they are absent,
 * unless -Dsqlrl.require.shared=true (CI sets it): then they fail, so that a missing ../shared cannot pass
 * the suite by skipping half of it.
 */
public final class TestPaths {
    private TestPaths() {}

    public static Path shared() {
        Path p = Path.of(System.getProperty("sqlrl.shared.dir", "../shared"));
        requireFixture(Files.isDirectory(p), "fixtures not found at " + p.toAbsolutePath());
        return p;
    }

    /**
     * A reference fixture: ../shared/reference/MODEL (Qwen2, Llama 2) or, for the model families made later by
     * scripts/reference/make_family_fixtures.py, the repository's testdata/reference/MODEL.
     */
    public static Path reference(String model) {
        Path inRepo = Path.of(System.getProperty("sqlrl.testdata.dir", "../testdata")).resolve("reference").resolve(model);
        return Files.isDirectory(inRepo) ? inRepo : shared().resolve("reference").resolve(model);
    }

    /** shared/spider-sample (tables.json, database/, official_labels.jsonl). */
    public static Path spiderSample() {
        Path dir = shared().resolve("spider-sample");
        requireFixture(Files.isRegularFile(dir.resolve("tables.json")), "shared Spider sample not found at " + dir.toAbsolutePath());
        return dir;
    }

    /** Skips the calling test when a fixture is absent, or fails it when -Dsqlrl.require.shared=true. */
    public static void requireFixture(boolean present, String message) {
        if (Boolean.getBoolean("sqlrl.require.shared")) {
            if (!present) {
                throw new IllegalStateException(message + " (and -Dsqlrl.require.shared=true)");
            }
        } else {
            assumeTrue(present, message);
        }
    }
}
