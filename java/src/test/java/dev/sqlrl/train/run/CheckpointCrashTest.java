package dev.sqlrl.train.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that is saving checkpoints with SIGKILL at random moments (every other time
 * shortly after a save began, so that some kills surely land mid-save), several times, and
 * checks after each kill that the newest complete checkpoint holds exactly the bytes that were
 * written for its step: a half-written checkpoint is never taken for a complete one.
 */
class CheckpointCrashTest {
    private static final int ROUNDS = 6;
    private static final int FILE_BYTES = 3 * 1024 * 1024;

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void latestIsAlwaysCompleteAfterKillNine() throws Exception {
        Path checkpoints = temp.resolve("checkpoints");
        Random random = new Random(20250101L);
        long previousLatest = 0;
        int killsDuringASave = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Process child = startWriter(checkpoints);
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                assertEquals(CheckpointCrashWriter.READY, out.readLine(), "child failed to start");
                if (round % 2 == 1) {
                    // aim inside a save: its files are being written, hashed and synced for tens of ms after this line
                    String line;
                    do {
                        line = out.readLine();
                    } while (line != null && !line.startsWith(CheckpointCrashWriter.SAVING));
                    Thread.sleep(random.nextInt(20));
                } else {
                    Thread.sleep(150 + random.nextInt(450));
                }
            } finally {
                child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
                assertTrue(child.waitFor(10, TimeUnit.SECONDS), "child did not die");
            }
            if (hasHiddenLeftovers(checkpoints)) {
                killsDuringASave++;
            }
            CheckpointStore store = new CheckpointStore(checkpoints, 2, true);
            Optional<Checkpoint> latest = store.latest();
            // a kill before the first save completes leaves nothing, which is fine; losing a published one is not
            long latestStep = latest.map(Checkpoint::step).orElse(0L);
            assertTrue(latestStep >= previousLatest, "round " + round + ": published checkpoint " + previousLatest
                    + " disappeared, latest is " + latest);
            for (Checkpoint checkpoint : store.list()) {
                assertContentIsExactlyWhatWasWritten(checkpoint);
            }
            previousLatest = latestStep;
        }
        assertTrue(previousLatest > 0, "the writer never completed a checkpoint");
        assertTrue(killsDuringASave > 0, "no kill landed during a save; the test did not exercise a crash");

        // The next save clears every leftover of the crashes and applies retention.
        CheckpointStore store = new CheckpointStore(checkpoints, 2, true);
        long next = previousLatest + 1;
        store.save(next, dir -> CheckpointCrashWriter.writeFiles(dir, next, FILE_BYTES), OptionalDouble.of(0));
        assertTrue(!hasHiddenLeftovers(checkpoints), "leftovers of killed saves remain");
        List<Long> steps = store.list().stream().map(Checkpoint::step).toList();
        assertTrue(steps.size() <= 3 && steps.containsAll(List.of(next - 1, next)), "kept " + steps);
        System.out.printf("crash test: %d kills, %d during a save, reached step %d%n", ROUNDS, killsDuringASave, next);
    }

    private static Process startWriter(Path checkpoints) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CheckpointCrashWriter.class.getName(),
                checkpoints.toString(), Integer.toString(FILE_BYTES)));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static boolean hasHiddenLeftovers(Path checkpoints) throws Exception {
        try (Stream<Path> entries = Files.list(checkpoints)) {
            return entries.anyMatch(p -> p.getFileName().toString().startsWith("."));
        }
    }

    private static void assertContentIsExactlyWhatWasWritten(Checkpoint checkpoint) throws Exception {
        for (int index = 0; index < CheckpointCrashWriter.FILES; index++) {
            Path file = checkpoint.file(CheckpointCrashWriter.fileName(index));
            assertArrayEquals(CheckpointCrashWriter.expectedContent(checkpoint.step(), index, FILE_BYTES),
                    Files.readAllBytes(file), file + " is not the content written for step " + checkpoint.step());
        }
    }
}
