package dev.sqlrl.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path temp;

    private static CheckpointContents files(long step) {
        return dir -> {
            Files.writeString(dir.resolve("adapter_model.safetensors"), "weights of step " + step);
            Files.createDirectories(dir.resolve("optimizer"));
            Files.writeString(dir.resolve("optimizer/state.bin"), "adam moments " + step);
        };
    }

    private static List<Long> steps(List<Checkpoint> checkpoints) {
        return checkpoints.stream().map(Checkpoint::step).toList();
    }

    private List<String> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void saveWritesTheFilesAndAMarkerWithTheirHashesUnderTheStepName() throws Exception {
        Path dir = temp.resolve("checkpoints");
        CheckpointStore store = new CheckpointStore(dir, 3, true);
        Path saved = store.save(123, files(123), OptionalDouble.of(0.25));

        assertEquals(dir.resolve("step-000123"), saved);
        assertEquals(List.of("step-000123"), entries(dir), "no temporary folder left behind");
        JsonNode marker = new ObjectMapper().readTree(saved.resolve("checkpoint.json").toFile());
        assertEquals(123, marker.get("step").asLong());
        assertEquals(0.25, marker.get("score").asDouble());
        assertTrue(marker.get("created").asText().endsWith("Z"), marker.toString());
        byte[] weights = "weights of step 123".getBytes(StandardCharsets.UTF_8);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights));
        assertEquals(expected, marker.get("files").get("adapter_model.safetensors").asText());
        assertEquals(2, marker.get("files").size());
        assertTrue(marker.get("files").has("optimizer/state.bin"));

        Checkpoint latest = store.latest().orElseThrow();
        assertEquals(new Checkpoint(123, saved, OptionalDouble.of(0.25)), latest);
        assertEquals("adam moments 123", Files.readString(latest.file("optimizer/state.bin")));
    }

    @Test
    void retentionKeepsTheLastNAndTheLatestOfTiedBests() {
        CheckpointStore store = new CheckpointStore(temp.resolve("checkpoints"), 2, true);
        double[] scores = {0.1, 0.5, 0.3, 0.5, 0.2, 0.1};
        for (int i = 0; i < scores.length; i++) {
            store.save(i + 1, files(i + 1), OptionalDouble.of(scores[i]));
        }
        // steps 2 and 4 tie at 0.5: the later one, trained longer for the same score, is the best
        assertEquals(List.of(4L, 5L, 6L), steps(store.list()));
        assertEquals(4, store.best().orElseThrow().step());
        assertEquals(6, store.latest().orElseThrow().step());
        // a later better score moves "best"; the old best then falls out
        store.save(7, files(7), OptionalDouble.of(0.9));
        assertEquals(List.of(6L, 7L), steps(store.list()));
    }

    @Test
    void withoutKeepBestOnlyTheLastNRemainAndUnscoredCheckpointsAreNeverBest() {
        CheckpointStore store = new CheckpointStore(temp.resolve("checkpoints"), 2, false);
        store.save(10, files(10), OptionalDouble.of(1.0));
        store.save(20, files(20), OptionalDouble.empty());
        store.save(30, files(30), OptionalDouble.empty());
        assertEquals(List.of(20L, 30L), steps(store.list()));
        assertTrue(store.best().isEmpty());
    }

    @Test
    void resavingAStepReplacesIt() throws Exception {
        CheckpointStore store = new CheckpointStore(temp.resolve("checkpoints"), 3, true);
        store.save(5, files(5), OptionalDouble.empty());
        store.save(5, dir -> Files.writeString(dir.resolve("adapter_model.safetensors"), "again"), OptionalDouble.of(1));
        Checkpoint latest = store.latest().orElseThrow();
        assertEquals(OptionalDouble.of(1), latest.score());
        assertEquals("again", Files.readString(latest.file("adapter_model.safetensors")));
        assertEquals(List.of("step-000005"), entries(temp.resolve("checkpoints")));
    }

    @Test
    void incompleteOrCorruptFoldersAreIgnoredAndRemovedByTheNextSave() throws Exception {
        Path dir = temp.resolve("checkpoints");
        CheckpointStore store = new CheckpointStore(dir, 5, false);
        store.save(1, files(1), OptionalDouble.empty());
        store.save(2, files(2), OptionalDouble.empty());
        Path unmarked = Files.createDirectories(dir.resolve("step-000003"));  // killed before the marker
        Files.writeString(unmarked.resolve("adapter_model.safetensors"), "partial");
        Path tempOfKilledSave = Files.createDirectories(dir.resolve(".tmp-step-000004-123"));
        Files.writeString(tempOfKilledSave.resolve("adapter_model.safetensors"), "partial");
        Path tampered = store.save(5, files(5), OptionalDouble.empty());
        Files.writeString(tampered.resolve("optimizer/state.bin"), "bit rot"); // hash no longer matches
        Path missingFile = store.save(6, files(6), OptionalDouble.empty());
        Files.delete(missingFile.resolve("adapter_model.safetensors"));
        Path tornMarker = store.save(7, files(7), OptionalDouble.empty());
        Files.writeString(tornMarker.resolve("checkpoint.json"), "{\"step\": 7, \"files\": {\"adap");
        Path wrongStep = store.save(8, files(8), OptionalDouble.empty());
        Files.move(wrongStep, dir.resolve("step-000009")); // marker says 8, folder says 9
        Path foreign = Files.createDirectories(dir.resolve("step-12")); // not a name the store writes
        Files.createDirectories(tempOfKilledSave); // (re)created after the saves above cleaned it

        assertEquals(2, store.latest().orElseThrow().step());
        assertEquals(List.of(1L, 2L), steps(store.list()));

        store.save(10, files(10), OptionalDouble.empty());
        assertEquals(List.of("step-000001", "step-000002", "step-000010", "step-12"), entries(dir));
        assertTrue(Files.isDirectory(foreign));
        assertEquals(10, store.latest().orElseThrow().step());
    }

    @Test
    void aFailingWriterLeavesNothingBehind() throws Exception {
        Path dir = temp.resolve("checkpoints");
        CheckpointStore store = new CheckpointStore(dir, 2, false);
        store.save(1, files(1), OptionalDouble.empty());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> store.save(2, tempDir -> {
            Files.writeString(tempDir.resolve("adapter_model.safetensors"), "half");
            throw new IOException("disk full");
        }, OptionalDouble.empty()));
        assertTrue(e.getMessage().contains("step-000002") && e.getMessage().contains("disk full"), e.getMessage());
        assertEquals(List.of("step-000001"), entries(dir));
        assertEquals(1, store.latest().orElseThrow().step());
    }

    @Test
    void programmingErrorsAreRejected() {
        Path dir = temp.resolve("checkpoints");
        assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(dir, 0, true));
        CheckpointStore store = new CheckpointStore(dir, 1, true);
        assertThrows(IllegalStateException.class, () -> store.save(1, tempDir -> {}, OptionalDouble.empty()));
        assertThrows(IllegalStateException.class, () -> store.save(1,
                tempDir -> Files.writeString(tempDir.resolve("checkpoint.json"), "{}"), OptionalDouble.empty()));
        assertThrows(IllegalArgumentException.class, () -> store.save(1, files(1), OptionalDouble.of(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> store.save(-1, files(1), OptionalDouble.empty()));
        assertFalse(store.latest().isPresent());
    }

    @Test
    void stepNamesArePaddedToSixDigitsAndGrowBeyond() {
        assertEquals("step-000000", CheckpointStore.dirName(0));
        assertEquals("step-1234567", CheckpointStore.dirName(1_234_567));
    }
}
