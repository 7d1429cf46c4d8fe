package dev.sqlrl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * File operations that survive a crash at any instant: content reaches the disk (fsync) before a
 * rename publishes it, and the rename itself is made durable by syncing its directory. Relies on
 * POSIX semantics (Linux, macOS): an atomic same-directory rename, and directories that can be
 * opened and synced. Temporary files and folders are made with the permissions any new file gets (the process's
 * umask), unlike {@code Files.createTempFile}, whose owner-only modes would stay on the published file.
 * Every writer that publishes a file or folder by renaming goes through here.
 */
public final class DurableFiles {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private DurableFiles() {}

    /** Fills a file that does not exist yet (a database, a stream of records) at the path it is given. */
    @FunctionalInterface
    public interface Filler {
        void fill(Path file) throws Exception;
    }

    /** Replaces {@code target} with {@code content}: readers see the old file or the new one, never a mix. */
    public static void writeAtomically(Path target, byte[] content) {
        writeAtomically(target, file -> Files.write(file, content));
    }

    /** {@link #writeAtomically(Path, byte[])} of UTF-8 text. */
    public static void writeString(Path target, String text) {
        writeAtomically(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Replaces {@code target} with what {@code filler} writes into a hidden sibling path (one that does not exist
     * yet), fsynced before the rename publishes it; the folder is made when missing.
     */
    public static void writeAtomically(Path target, Filler filler) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = dir.resolve(randomName("." + target.getFileName() + ".", ".tmp"));
            filler.fill(temp);
            syncFile(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        } catch (Exception e) {
            deleteQuietly(temp);
            if (e instanceof RuntimeException runtime) throw runtime;
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** A new empty hidden file in {@code dir}, named {@code prefix} + a random part + ".tmp", with the usual permissions. */
    public static Path newTempFile(Path dir, String prefix) throws IOException {
        return createFresh(dir, prefix, ".tmp", Files::createFile);
    }

    /** A new empty folder in {@code dir}, named {@code prefix} + a random part, with the usual permissions. */
    public static Path newTempDirectory(Path dir, String prefix) throws IOException {
        return createFresh(dir, prefix, "", Files::createDirectory);
    }

    private interface Creator {
        Path create(Path path, java.nio.file.attribute.FileAttribute<?>... attributes) throws IOException;
    }

    /** Creates {@code dir/prefix<random>suffix}, trying another name while one exists (no attributes: the umask's modes). */
    private static Path createFresh(Path dir, String prefix, String suffix, Creator creator) throws IOException {
        while (true) {
            try {
                return creator.create(dir.resolve(randomName(prefix, suffix)));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    private static String randomName(String prefix, String suffix) {
        return prefix + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix;
    }

    public static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Makes the directory's entries (created, renamed, deleted files) durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Deletes a file or a directory tree; a missing path is not an error. Symbolic links are removed, not followed. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Cleanup on a path that is already failing: the original error is the one worth reporting. */
    public static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            deleteRecursively(path);
        } catch (IOException | UncheckedIOException ignored) {
            // leftovers are hidden ('.'-prefixed) and removed by the next save
        }
    }
}
