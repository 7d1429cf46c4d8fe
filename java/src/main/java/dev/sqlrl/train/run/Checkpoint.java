package dev.sqlrl.train.run;

import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * A complete checkpoint: its folder holds every file its marker lists, with matching hashes.
 *
 * @param step the optimizer step it was saved after
 * @param dir its folder, {@code checkpoints/step-000123}
 * @param score what it was ranked by for "best" (e.g. evaluation execution accuracy); empty when not scored
 */
public record Checkpoint(long step, Path dir, OptionalDouble score) {
    /** A file the caller wrote into the checkpoint, by its name relative to the checkpoint folder. */
    public Path file(String name) {
        return dir.resolve(name);
    }
}
