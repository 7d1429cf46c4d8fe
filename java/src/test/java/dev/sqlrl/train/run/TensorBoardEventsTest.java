package dev.sqlrl.train.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.framework.Summary;
import org.tensorflow.util.Event;
import org.tensorflow.util.SessionLog;

class TensorBoardEventsTest {
    @TempDir
    Path temp;

    /**
     * The second record of a file TensorFlow wrote for tf.summary.scalar("accuracy", 0.99, step=77), from
     * TensorBoard's reader test (tensorboard/data/server/tf_record.rs), with its framing.
     */
    private static final String TF_SCALAR_RECORD = "3200000000000000" + "241956ec"
            + "09c405b73d99d6d741" + "104d" + "2a25" + "0a23" + "0a08" + hex("accuracy")
            + "420a" + "0801" + "1200" + "2204" + "a4707d3f" + "4a0b" + "0a09" + "0a07" + hex("scalars")
            + "a55b6433";

    private static String hex(String ascii) {
        return HexFormat.of().formatHex(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void scalarIsWrittenByteForByteAsTensorFlowWritesIt() {
        byte[] expected = HexFormat.of().parseHex(TF_SCALAR_RECORD);
        double wallTime = ByteBuffer.wrap(expected, 13, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble();
        Event event = TensorBoardEvents.event(wallTime, 77, Summary.newBuilder()
                .addValue(TensorBoardEvents.scalarValue("accuracy", 0.99f, true)).build());
        byte[] written = TfRecords.frame(event.toByteArray());
        assertArrayEquals(expected, written, () -> TensorBoardFiles.hex(written));
    }

    @Test
    void fileStartsWithTheVersionAndASessionStartAtTheFirstStep() throws Exception {
        Path file;
        try (TensorBoardEvents events = TensorBoardEvents.open(temp.resolve("tb"), 41)) {
            file = events.file();
        }
        String name = file.getFileName().toString();
        assertTrue(name.matches("events\\.out\\.tfevents\\.\\d{10}\\.[^.].*\\.\\d+"), name);
        List<Event> read = TensorBoardFiles.events(file);
        assertEquals(2, read.size());
        assertEquals(TensorBoardEvents.FILE_VERSION, read.get(0).getFileVersion());
        assertEquals(SessionLog.SessionStatus.START, read.get(1).getSessionLog().getStatus());
        assertEquals(41, read.get(1).getStep());
        assertTrue(Math.abs(read.get(0).getWallTime() - System.currentTimeMillis() / 1000.0) < 60);
    }

    private static Map<String, Object> metrics(long step, String stage) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("step", step);
        record.put("stage", stage);
        record.put("loss", 1.0 / (step + 3));
        record.put("lr", 1e-5 * step);
        record.put("grad_norm", step == 2 ? Double.NaN : 0.5);
        record.put("kl", step == 3 ? Double.POSITIVE_INFINITY : 0.01 * step);
        record.put("completion_length/max", (int) step * 7);
        record.put("memory/weights_bytes", 123_456_789L);
        record.put("skipped", step == 2);
        record.put("nested", Map.of("a", 1.0));
        record.put("list", List.of(1.0, 2.0));
        return record;
    }

    @Test
    void metricsDecodeBackToExactlyTheScalarsOfMetricsJsonl() throws Exception {
        Path tb = temp.resolve("tb");
        Path jsonl = temp.resolve("metrics.jsonl");
        try (TensorBoardEvents events = TensorBoardEvents.open(tb, 0);
             MetricsLog log = MetricsLog.open(jsonl, -1, events)) {
            for (long step = 1; step <= 4; step++) {
                log.write(metrics(step, "grpo"));
            }
            log.write(Map.of("step", 4L, "stage", "eval", "of_stage", "grpo", "eval/ex", 0.25, "eval/em", 0.125));
        }
        Map<String, SortedMap<Long, Object>> shown = TensorBoardFiles.merged(tb);
        Map<String, SortedMap<Long, Object>> expected = TensorBoardFiles.expectedScalars(MetricsLog.read(jsonl));
        assertEquals(TensorBoardFiles.nonFiniteAsNaN(expected), TensorBoardFiles.nonFiniteAsNaN(shown));
        // what the comparison covers, spelled out: the numbers and booleans, not strings, maps or lists
        assertEquals(Set.of("loss", "lr", "grad_norm", "kl", "completion_length/max", "memory/weights_bytes", "skipped",
                "eval/ex", "eval/em"), shown.keySet());
        assertEquals(0.25f, shown.get("eval/ex").get(4L));
        assertEquals(1f, shown.get("skipped").get(2L));
        assertEquals(Float.NaN, shown.get("grad_norm").get(2L), "NaN is written as it is");
        assertEquals(Float.POSITIVE_INFINITY, shown.get("kl").get(3L), "infinity is written as it is");
        assertFalse(shown.containsKey("of_stage") || shown.containsKey("nested") || shown.containsKey("list"));
    }

    @Test
    void pluginMetadataComesWithEachTagsFirstValueInTheFile() throws Exception {
        Path tb = temp.resolve("tb");
        try (TensorBoardEvents events = TensorBoardEvents.open(tb, 0)) {
            events.writeMetrics(Map.of("step", 1L, "loss", 0.5));
            events.writeMetrics(Map.of("step", 2L, "loss", 0.25));
            events.writeText("samples", 2, "**text**");
            events.writeText("samples", 4, "more");
        }
        List<Summary.Value> values = TensorBoardFiles.events(TensorBoardFiles.eventFiles(tb).getFirst()).stream()
                .flatMap(e -> e.getSummary().getValueList().stream()).toList();
        assertEquals(4, values.size());
        assertEquals(TensorBoardEvents.SCALARS_PLUGIN, values.get(0).getMetadata().getPluginData().getPluginName());
        assertFalse(values.get(1).hasMetadata());
        assertEquals(TensorBoardEvents.TEXT_PLUGIN, values.get(2).getMetadata().getPluginData().getPluginName());
        assertFalse(values.get(3).hasMetadata());
        assertEquals("**text**", TensorBoardFiles.decode(values.get(2)));
    }

    @Test
    void everyWriteIsInTheFileWhileTheWriterIsStillOpen() throws Exception {
        Path tb = temp.resolve("tb");
        try (TensorBoardEvents events = TensorBoardEvents.open(tb, 0);
             MetricsLog metrics = MetricsLog.open(temp.resolve("metrics.jsonl"), -1, events);
             SamplesLog samples = SamplesLog.open(temp.resolve("samples.jsonl"), -1, events)) {
            for (long step = 1; step <= 3; step++) {
                metrics.write(metrics(step, "grpo"));
                samples.write(List.of(Map.of("step", step, "completion", "SELECT " + step)));
                // a reader sees the step's events now, as TensorBoard watching a live (or killed) run does
                Map<String, SortedMap<Long, Object>> shown = TensorBoardFiles.merged(tb);
                assertEquals(step, shown.get("loss").lastKey());
                assertTrue(((String) shown.get(TensorBoardEvents.SAMPLES_TAG).get(step)).contains("SELECT " + step));
            }
        }
    }

    @Test
    void samplesOfAStepAreOneMarkdownTextWithPromptCompletionAndReward() throws Exception {
        Path tb = temp.resolve("tb");
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("step", 10L);
        first.put("group", 0);
        first.put("prompt", "Question: how many staff?\nSQL:");
        first.put("completion", "```sql\nSELECT count(*) FROM staff\n```");
        first.put("reward", 1.0);
        first.put("outcome", "correct");
        Map<String, Object> second = new LinkedHashMap<>(first);
        second.remove("prompt");
        second.put("completion", "SELECT name FROM staff");
        second.put("reward", 0.1);
        second.put("outcome", "wrong_result");
        try (TensorBoardEvents events = TensorBoardEvents.open(tb, 0);
             SamplesLog samples = SamplesLog.open(temp.resolve("samples.jsonl"), -1, events)) {
            samples.write(List.of(first, second));
        }
        String text = (String) TensorBoardFiles.merged(tb).get(TensorBoardEvents.SAMPLES_TAG).get(10L);
        assertEquals("""
                **sample 1**, group 0, reward 1.000 (correct)

                prompt:

                ```
                Question: how many staff?
                SQL:
                ```

                completion:

                ````
                ```sql
                SELECT count(*) FROM staff
                ```
                ````

                ---

                **sample 2**, group 0, reward 0.100 (wrong_result)

                completion:

                ```
                SELECT name FROM staff
                ```""", text);
        assertEquals(2, SamplesLog.read(temp.resolve("samples.jsonl")).size());
    }

    @Test
    void samplesWrittenTogetherMustShareTheirStep() {
        try (SamplesLog samples = SamplesLog.open(temp.resolve("samples.jsonl"), -1)) {
            assertThrows(IllegalArgumentException.class,
                    () -> samples.write(List.of(Map.of("step", 1L), Map.of("step", 2L))));
        }
    }

    @Test
    void aResumedRunAppendsAFileThatSupersedesTheRedoneSteps() throws Exception {
        Path tb = temp.resolve("tb");
        try (TensorBoardEvents events = TensorBoardEvents.open(tb, 0)) {
            for (long step = 1; step <= 6; step++) {
                events.writeMetrics(Map.of("step", step, "loss", (double) step));
            }
        }
        // resumed from the checkpoint of step 4: steps 5 and 6 are redone, with other values
        try (TensorBoardEvents events = TensorBoardEvents.open(tb, 5)) {
            for (long step = 5; step <= 7; step++) {
                events.writeMetrics(Map.of("step", step, "loss", 10.0 * step));
            }
        }
        List<Path> files = TensorBoardFiles.eventFiles(tb);
        assertEquals(2, files.size(), "one new file, the first one untouched");
        assertTrue(files.get(0).getFileName().toString().compareTo(files.get(1).getFileName().toString()) < 0,
                "the resumed run's file is read after the first");
        assertEquals(Map.of(1L, 1f, 2L, 2f, 3L, 3f, 4L, 4f, 5L, 50f, 6L, 60f, 7L, 70f),
                TensorBoardFiles.merged(tb).get("loss"));
    }
}
