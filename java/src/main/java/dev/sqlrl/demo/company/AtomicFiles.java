package dev.sqlrl.demo.company;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Writes a file through a temporary sibling and a rename, so that a reader (or a crashed run) never
 * sees half a file: the target holds either the old content or the complete new one.
 */
final class AtomicFiles {
    /** Creates and fills the temporary file it is given (a path that does not exist yet). */
    interface Writer {
        void writeTo(Path temporary) throws Exception;
    }

    private AtomicFiles() {}

    static void write(Path target, Writer writer) {
        Path parent = target.toAbsolutePath().getParent();
        Path temporary = null;
        try {
            Files.createDirectories(parent);
            // Not Files.createTempFile: its owner-only permissions would stay on the renamed file.
            temporary = parent.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            writer.writeTo(temporary);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (Exception e) {
            deleteQuietly(temporary, e);
            if (e instanceof RuntimeException runtime) throw runtime;
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    static void writeString(Path target, String text) {
        write(target, temporary -> Files.writeString(temporary, text, StandardCharsets.UTF_8));
    }

    private static void deleteQuietly(Path temporary, Exception cause) {
        if (temporary == null) return;
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
