package dev.sqlrl.train.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A log file that only grows, shared by {@link JsonLinesFile} and {@link TensorBoardEvents}: each record
 * is handed to the OS in one append as it comes (no buffer in the JVM, so a killed process loses nothing
 * written), and closing forces the file to disk.
 */
final class AppendOnlyFile implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;

    private AppendOnlyFile(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens {@code file} for appending, creating it; when {@code mustBeNew}, an existing file is an error. */
    static AppendOnlyFile open(Path file, boolean mustBeNew) throws IOException {
        StandardOpenOption create = mustBeNew ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE;
        return new AppendOnlyFile(file, FileChannel.open(file, create, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }

    Path file() {
        return file;
    }

    synchronized void append(byte[] record) {
        ByteBuffer buffer = ByteBuffer.wrap(record);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (channel.isOpen()) {
                channel.force(true);
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }
}
