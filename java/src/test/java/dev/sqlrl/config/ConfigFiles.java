package dev.sqlrl.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the committed configs/ folder is (the repository root comes from surefire's sqlrl.repo.dir). */
final class ConfigFiles {
    private ConfigFiles() {}

    static Path folder() {
        Path folder = Path.of(System.getProperty("sqlrl.repo.dir", ".."), "configs");
        assertTrue(Files.isDirectory(folder), "configs/ not found at " + folder.toAbsolutePath());
        return folder;
    }
}
