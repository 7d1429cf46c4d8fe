package dev.sqlrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files sqlrl publishes by renaming a temporary file get the permissions any new file gets here (the umask's), not
 * the owner-only modes of Files.createTempFile: a merged model or an adapter must be readable by whoever may read
 * files the user makes.
 */
class DurableFilesTest {
    @TempDir
    Path dir;

    @Test
    void publishedFilesAndFoldersHaveTheUsualPermissions() throws IOException {
        Path usualFile = Files.createFile(dir.resolve("usual"));
        Path usualDir = Files.createDirectory(dir.resolve("usual-dir"));

        Path atomic = dir.resolve("atomic.json");
        DurableFiles.writeAtomically(atomic, "{}".getBytes(StandardCharsets.UTF_8));
        Path tensors = dir.resolve("model.safetensors");
        new SafetensorsWriter().addFloats("w", TensorDtype.F32, new long[] {1}, new float[] {1f}).write(tensors);
        Path folder = DurableFiles.newTempDirectory(dir, ".x-");

        var expected = Files.getPosixFilePermissions(usualFile);
        assertEquals(expected, Files.getPosixFilePermissions(atomic));
        assertEquals(expected, Files.getPosixFilePermissions(tensors));
        assertEquals(Files.getPosixFilePermissions(usualDir), Files.getPosixFilePermissions(folder));
    }

    @Test
    void aFailedWriteKeepsTheOldContentAndLeavesNoTemporaryFile() throws Exception {
        Path target = dir.resolve("train.jsonl");
        DurableFiles.writeString(target, "old\n");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> DurableFiles.writeAtomically(target,
                temporary -> {
                    Files.writeString(temporary, "half");
                    throw new IOException("disk full");
                }));
        assertEquals("cannot write " + target + ": disk full", e.getMessage());
        assertEquals("old\n", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
    }
}
