package dev.sqlrl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every default, as the resolved YAML of the bare defaults and of each file in configs/, against a
 * golden written before the defaults moved into {@link Key}: a change of any default value fails here.
 * Absolute paths are written relative to placeholders so the golden holds on any machine. Only a
 * change of a default that is meant rewrites the golden (-Dsqlrl.config.regenerate.golden=true).
 */
class ConfigDefaultsGoldenTest {
    private static final Path GOLDEN =
            Path.of(System.getProperty("sqlrl.repo.dir", ".."), "java/src/test/resources/config-defaults");

    @Test
    void bareDefaultsAreUnchanged() throws IOException {
        RunConfig d = RunConfig.defaults();
        RunConfig withStages = new RunConfig(d.name(), d.seed(), d.outputDir(), d.model(), d.data(), d.prompt(), d.lora(),
                SftSection.defaults(), GrpoSection.defaults(), d.reward(), d.eval(), d.checkpoint(), d.logging(), d.distributed());
        assertGolden("defaults.yaml", RunConfigs.toYaml(withStages));
    }

    @Test
    void everyShippedConfigResolvesAsBefore() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(ConfigFiles.folder())) {
            listing.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(files::add);
        }
        assertFalse(files.isEmpty());
        for (Path file : files) {
            String yaml = RunConfigs.toYaml(RunConfigs.load(file, List.of()));
            String portable = yaml.replace(ConfigFiles.folder().toAbsolutePath().normalize().getParent().toString(), "<repo>");
            assertGolden(file.getFileName().toString(), portable);
        }
    }

    private static void assertGolden(String name, String actual) throws IOException {
        Path golden = GOLDEN.resolve(name);
        if (Boolean.getBoolean("sqlrl.config.regenerate.golden")) Files.writeString(golden, actual);
        assertEquals(Files.readString(golden), actual, "defaults changed for " + name);
    }
}
