package dev.sqlrl.train.run;

import java.io.IOException;
import java.nio.file.Path;

/** What a checkpoint holds, written by the trainer (adapter weights, optimizer state, RNG, data position...). */
@FunctionalInterface
public interface CheckpointContents {
    /**
     * Writes the checkpoint's files into {@code tempDir} (subfolders allowed; not the name
     * checkpoint.json, which is the store's). The store makes them durable and publishes them.
     */
    void writeTo(Path tempDir) throws IOException;
}
