package dev.sqlrl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the read-only fixtures (../shared) are; tests that need them are skipped when absent. */
public final class TestPaths {
    private TestPaths() {}

    public static Path shared() {
        Path p = Path.of(System.getProperty("sqlrl.shared.dir", "../shared"));
        assumeTrue(Files.isDirectory(p), "fixtures not found at " + p.toAbsolutePath());
        return p;
    }

    public static Path reference(String model) {
        return shared().resolve("reference").resolve(model);
    }
}
