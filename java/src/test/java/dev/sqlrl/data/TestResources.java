package dev.sqlrl.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates test fixtures: this module's test resources and the shared Spider sample. */
public final class TestResources {
    private TestResources() {}

    public static Path resource(String name) {
        try {
            return Path.of(TestResources.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " missing", e);
        }
    }

    /** /work/shared/spider-sample, or the test is skipped when the shared fixtures are absent. */
    public static Path spiderSample() {
        String shared = System.getProperty("sqlrl.shared.dir");
        assumeTrue(shared != null, "system property sqlrl.shared.dir not set: shared fixtures unavailable");
        Path dir = Path.of(shared, "spider-sample");
        assumeTrue(Files.isRegularFile(dir.resolve("tables.json")), "shared Spider sample not found at " + dir);
        return dir;
    }
}
