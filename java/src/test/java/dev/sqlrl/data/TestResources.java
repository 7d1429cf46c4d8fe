package dev.sqlrl.data;

import dev.sqlrl.TestPaths;
import java.net.URISyntaxException;
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

    /** ../shared/spider-sample; absent, the test is skipped (or fails under -Dsqlrl.require.shared=true). */
    public static Path spiderSample() {
        return TestPaths.spiderSample();
    }
}
