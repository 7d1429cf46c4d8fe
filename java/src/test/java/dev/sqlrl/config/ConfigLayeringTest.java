package dev.sqlrl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * config sits below train: the trainers read the config, never the other way round. Its enums
 * (loss type, advantage scaling, ...) live in config for that reason. Scans the sources rather than
 * the classes so that a fully qualified name in a comment or a Javadoc link counts too.
 */
class ConfigLayeringTest {
    private static final String UPWARD = "dev.sqlrl.train";

    @Test
    void configSourcesNeverNameTheTrainPackage() throws IOException {
        Path folder = Path.of(System.getProperty("sqlrl.repo.dir", ".."), "java/src/main/java/dev/sqlrl/config");
        assertTrue(Files.isDirectory(folder), "config sources not found at " + folder.toAbsolutePath());
        List<Path> sources;
        try (Stream<Path> files = Files.list(folder)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertFalse(sources.isEmpty());
        List<String> offending = new ArrayList<>();
        for (Path source : sources) {
            List<String> lines = Files.readAllLines(source);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(UPWARD)) offending.add(source.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
        }
        assertEquals(List.of(), offending, "config must not depend on train");
    }
}
