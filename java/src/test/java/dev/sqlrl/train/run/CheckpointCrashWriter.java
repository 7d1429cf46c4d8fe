package dev.sqlrl.train.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * The child process of {@link CheckpointCrashTest}: resumes from the latest checkpoint and saves
 * big checkpoints in a loop until it is killed. File contents are a function of the step, so the
 * test can check a checkpoint's bytes without trusting the store.
 */
public final class CheckpointCrashWriter {
    static final int FILES = 2;
    static final String READY = "ready";
    static final String SAVING = "saving";

    private CheckpointCrashWriter() {}

    public static void main(String[] args) throws IOException {
        Path checkpointsDir = Path.of(args[0]);
        int fileBytes = Integer.parseInt(args[1]);
        CheckpointStore store = new CheckpointStore(checkpointsDir, 2, true);
        long step = store.latest().map(c -> c.step() + 1).orElse(1L);
        System.out.println(READY);
        System.out.flush();
        while (true) {
            long current = step;
            store.save(current, dir -> {
                System.out.println(SAVING + " " + current);
                System.out.flush();
                writeFiles(dir, current, fileBytes);
            }, OptionalDouble.of(current % 5));
            step++;
        }
    }

    static String fileName(int index) {
        return index == 0 ? "adapter_model.safetensors" : "state/optimizer.bin";
    }

    /** Written in chunks, so that a kill can land halfway through a file. */
    static void writeFiles(Path dir, long step, int fileBytes) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        for (int index = 0; index < FILES; index++) {
            Path file = dir.resolve(fileName(index));
            Files.createDirectories(file.getParent());
            SplittableRandom random = new SplittableRandom(step * FILES + index);
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int written = 0; written < fileBytes; written += chunk.length) {
                    random.nextBytes(chunk);
                    out.write(chunk, 0, Math.min(chunk.length, fileBytes - written));
                }
            }
        }
    }

    static byte[] expectedContent(long step, int index, int fileBytes) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(fileBytes);
        byte[] chunk = new byte[64 * 1024];
        SplittableRandom random = new SplittableRandom(step * FILES + index);
        for (int written = 0; written < fileBytes; written += chunk.length) {
            random.nextBytes(chunk);
            bytes.write(chunk, 0, Math.min(chunk.length, fileBytes - written));
        }
        return bytes.toByteArray();
    }
}
