package dev.sqlrl.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
    @TempDir
    Path temp;

    private static Map<String, Object> grpoRecord(long step) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("step", step);
        record.put("stage", "grpo");
        record.put("loss", 1.0 / (step + 1));
        record.put("reward", step * 0.05);
        record.put("reward/execution", Map.of("mean", 0.5));
        return record;
    }

    private static void writeSteps(Path file, long resumeAfter, long from, long to) {
        try (MetricsLog log = MetricsLog.open(file, resumeAfter)) {
            for (long step = from; step <= to; step++) {
                log.write(grpoRecord(step));
                if (step % 5 == 0) {
                    log.write(Map.of("step", step, "stage", "eval", "eval/ex", 0.1 * step));
                }
            }
        }
    }

    @Test
    void appendsOneJsonObjectPerLineReadBackInOrder() throws Exception {
        Path file = temp.resolve("metrics.jsonl");
        writeSteps(file, -1, 1, 3);
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        assertEquals("{\"step\":1,\"stage\":\"grpo\",\"loss\":0.5,\"reward\":0.05,\"reward/execution\":{\"mean\":0.5}}",
                lines.get(0));
        List<Map<String, Object>> records = MetricsLog.read(file);
        assertEquals(List.of(1L, 2L, 3L), records.stream().map(r -> r.get("step")).toList());
        assertEquals(0.25, records.get(2).get("loss"));
        // appending after reopening continues the file
        try (MetricsLog log = MetricsLog.open(file, 3)) {
            log.write(grpoRecord(4));
        }
        assertEquals(4, MetricsLog.read(file).size());
    }

    @Test
    void resumeDropsRecordsAfterTheCheckpointSoTheFileEqualsAnUninterruptedRun() throws Exception {
        Path uninterrupted = temp.resolve("uninterrupted.jsonl");
        writeSteps(uninterrupted, -1, 1, 12);

        Path resumed = temp.resolve("resumed.jsonl");
        writeSteps(resumed, -1, 1, 8); // crashed after step 8; the last checkpoint was step 6
        Files.writeString(resumed, "{\"step\":9,\"stage\":\"grpo\",\"lo", StandardOpenOption.APPEND); // torn line
        writeSteps(resumed, 6, 7, 12);

        assertEquals(Files.readString(uninterrupted), Files.readString(resumed));
    }

    @Test
    void resumeFromStepZeroKeepsTheBaselineEvaluation() {
        Path file = temp.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file, -1)) {
            log.write(Map.of("step", 0L, "stage", "eval", "eval/ex", 0.2));
            log.write(grpoRecord(1));
        }
        MetricsLog.open(file, 0).close();
        assertEquals(List.of(Map.of("step", 0L, "stage", "eval", "eval/ex", 0.2)), MetricsLog.read(file));
    }

    @Test
    void nanAndInfinityAreWrittenAsNullSoEveryLineIsValidJson() throws Exception {
        Path file = temp.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file, -1)) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("step", 3);
            record.put("stage", "grpo");
            record.put("kl", Double.NaN);
            record.put("ratio/max", Double.POSITIVE_INFINITY);
            record.put("lr", 1e-5f);
            record.put("kl_optional", OptionalDouble.empty());
            record.put("nested", Map.of("x", Double.NEGATIVE_INFINITY));
            record.put("list", List.of(1.0, Double.NaN));
            record.put("ok", true);
            log.write(record);
        }
        assertEquals("{\"step\":3,\"stage\":\"grpo\",\"kl\":null,\"ratio/max\":null,\"lr\":1.0E-5,\"kl_optional\":null,"
                + "\"nested\":{\"x\":null},\"list\":[1.0,null],\"ok\":true}", Files.readString(file).strip());
        Map<String, Object> read = MetricsLog.read(file).getFirst();
        assertTrue(read.containsKey("kl"));
        assertNull(read.get("kl"));
        assertEquals(3L, read.get("step"));
    }

    @Test
    void malformedLineIsAnErrorNamingFileAndLine() throws Exception {
        Path file = temp.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1,\"stage\":\"grpo\"}\n{\"step\":2,\"stage\":\n{\"step\":3,\"stage\":\"grpo\"}\n");
        UserInputException e = assertThrows(UserInputException.class, () -> MetricsLog.read(file));
        assertTrue(e.getMessage().startsWith(file + ":2: not a JSON object"), e.getMessage());
        // a resume must not silently drop a corrupt line in the middle either
        UserInputException onResume = assertThrows(UserInputException.class, () -> MetricsLog.open(file, 5));
        assertTrue(onResume.getMessage().startsWith(file + ":2:"), onResume.getMessage());
    }

    @Test
    void recordWithoutStepIsAnErrorNamingFileAndLine() throws Exception {
        Path file = temp.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1,\"stage\":\"grpo\"}\n[1,2]\n");
        assertTrue(assertThrows(UserInputException.class, () -> MetricsLog.read(file)).getMessage()
                .startsWith(file + ":2: not a JSON object"));
        Files.writeString(file, "{\"step\":1,\"stage\":\"grpo\"}\nnull\n");
        assertEquals(file + ":2: not a JSON object: null",
                assertThrows(UserInputException.class, () -> MetricsLog.read(file)).getMessage());
        Files.writeString(file, "{\"step\":1,\"stage\":\"grpo\"} {\"step\":2}\n");
        assertTrue(assertThrows(UserInputException.class, () -> MetricsLog.read(file)).getMessage()
                .startsWith(file + ":1: not a JSON object"), "two objects on one line");
        Files.writeString(file, "{\"step\":1,\"stage\":\"grpo\"}\n\n{\"step\":\"two\"}\n");
        assertEquals(file + ":3: record has no integer \"step\"",
                assertThrows(UserInputException.class, () -> MetricsLog.read(file)).getMessage());
    }

    @Test
    void unterminatedLastLineOfALiveRunIsSkippedWhenReading() throws Exception {
        Path file = temp.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1,\"stage\":\"grpo\"}\n{\"step\":2,\"sta", StandardCharsets.UTF_8);
        assertEquals(1, MetricsLog.read(file).size());
    }

    @Test
    void missingFileIsAUserError() {
        Path file = temp.resolve("nope.jsonl");
        assertEquals(file + " does not exist", assertThrows(UserInputException.class, () -> MetricsLog.read(file)).getMessage());
    }

    @Test
    void recordsNeedAStepAndAKnownStage() {
        try (MetricsLog log = MetricsLog.open(temp.resolve("metrics.jsonl"), -1)) {
            assertThrows(IllegalArgumentException.class, () -> log.write(Map.of("stage", "grpo")));
            assertThrows(IllegalArgumentException.class, () -> log.write(Map.of("step", -1L, "stage", "grpo")));
            assertThrows(IllegalArgumentException.class, () -> log.write(Map.of("step", 1.5, "stage", "grpo")));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> log.write(Map.of("step", 1L, "stage", "train")));
            assertTrue(e.getMessage().contains("\"stage\""), e.getMessage());
        }
    }
}
