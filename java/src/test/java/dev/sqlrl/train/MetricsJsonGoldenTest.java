package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.train.grpo.GrpoStepMetrics;
import dev.sqlrl.train.run.MetricKeys;
import dev.sqlrl.train.run.MetricsLines;
import dev.sqlrl.train.run.MetricsLog;
import dev.sqlrl.train.run.MetricsRecord;
import dev.sqlrl.train.sft.SftStepMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed metrics records, written by MetricsJson, give exactly the metrics.jsonl lines of the code before them
 * (resources/metrics/golden-before-typed-records.jsonl): each golden line is read into its record, written through
 * MetricsLog, and the written line, less the keys added since, must equal the golden text byte for byte (the same
 * keys, in the same order, with the same number formats: 8 stays 8, 8.0 stays 8.0, null stays null).
 */
class MetricsJsonGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the GRPO step's loss statistics add to its line, as the current code wrote them for the golden runs. */
    private static final Map<String, Object> ADDED_TO_GRPO = Map.of(
            MetricKeys.COMPLETION_LENGTH_MIN, 8,
            MetricKeys.IMPORTANCE_RATIO_MEAN, 1.0,
            MetricKeys.IMPORTANCE_RATIO_MIN, 1.0,
            MetricKeys.IMPORTANCE_RATIO_MAX, 1.0,
            MetricKeys.ACTIVE_TOKENS, 64);

    @TempDir
    Path dir;

    private static List<String> golden() throws IOException {
        try (InputStream in = MetricsJsonGoldenTest.class.getResourceAsStream("/metrics/golden-before-typed-records.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void sftStepLineIsWrittenAsBefore() throws IOException {
        String line = golden().get(0);
        String written = roundTrip(line, SftStepMetrics.class, true, Map.of());
        assertEquals(line, written);
    }

    @Test
    void evaluationLineIsWrittenAsBefore() throws IOException {
        String line = golden().get(1);
        assertEquals(line, roundTrip(line, EvalMetrics.class, false, Map.of()));
    }

    @Test
    void grpoStepLineWithAReferenceIsWrittenAsBeforePlusTheLossStatistics() throws IOException {
        String line = golden().get(2);
        assertTrue(line.contains("\"kl\":"), line);
        assertEquals(line, roundTrip(line, GrpoStepMetrics.class, true, ADDED_TO_GRPO));
    }

    @Test
    void grpoStepLineWithoutAReferenceHasNoKlAsBefore() throws IOException {
        String line = golden().get(3);
        assertFalse(line.contains("\"kl\":"), line);
        assertEquals(line, roundTrip(line, GrpoStepMetrics.class, true, ADDED_TO_GRPO));
    }

    @Test
    void aDevicePeakIsWrittenBetweenTheLoraAndHeapFiguresAsBefore() throws IOException {
        Map<String, Object> line = read(golden().get(0));
        line.put(MetricKeys.MEMORY_DEVICE_PEAK_BYTES, 123L);
        Map<String, Object> written = write(MetricsLines.decode(SftStepMetrics.class, line),
                MetricsLines.decode(MemoryMetrics.class, line));
        List<String> keys = new ArrayList<>(written.keySet());
        assertEquals(List.of(MetricKeys.MEMORY_WEIGHTS_BYTES, MetricKeys.MEMORY_LORA_BYTES,
                        MetricKeys.MEMORY_DEVICE_PEAK_BYTES, MetricKeys.MEMORY_JVM_HEAP_BYTES),
                keys.subList(keys.size() - 4, keys.size()));
        assertEquals(123L, written.get(MetricKeys.MEMORY_DEVICE_PEAK_BYTES));
    }

    @Test
    void aNaNLossIsWrittenAsNullAndReadBackAsNaN() throws IOException {
        Map<String, Object> line = read(golden().get(0));
        line.put(MetricKeys.LOSS, null);
        SftStepMetrics step = MetricsLines.decode(SftStepMetrics.class, line);
        assertTrue(Double.isNaN(step.loss()));
        Map<String, Object> written = write(step);
        assertTrue(written.containsKey(MetricKeys.LOSS));
        assertEquals(null, written.get(MetricKeys.LOSS));
    }

    /**
     * Reads {@code golden} into {@code type} (and the memory figures), with {@code added} for the keys it lacks, writes
     * it through MetricsLog, checks the added keys were written with those values, and returns the written line without
     * them.
     */
    private String roundTrip(String golden, Class<? extends MetricsRecord> type, boolean withMemory,
                             Map<String, Object> added) throws IOException {
        Map<String, Object> line = read(golden);
        line.putAll(added);
        MetricsRecord record = (MetricsRecord) MetricsLines.decode(type.asSubclass(Record.class), line);
        Path file = dir.resolve("metrics-" + System.nanoTime() + ".jsonl");
        try (MetricsLog log = MetricsLog.open(file, -1)) {
            if (withMemory) {
                log.write(record, MetricsLines.decode(MemoryMetrics.class, line));
            } else {
                log.write(record);
            }
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        ObjectNode written = (ObjectNode) JSON.readTree(lines.get(0));
        for (Map.Entry<String, Object> entry : added.entrySet()) {
            assertTrue(written.has(entry.getKey()), entry.getKey() + " missing from " + lines.get(0));
            assertEquals(JSON.valueToTree(entry.getValue()), written.get(entry.getKey()), entry.getKey());
            written.remove(entry.getKey());
        }
        // the golden text, re-serialized, is itself: so any difference below is the writer's
        assertEquals(golden, JSON.writeValueAsString(JSON.readTree(golden)));
        return JSON.writeValueAsString(written);
    }

    private Map<String, Object> write(MetricsRecord record, Record... groups) throws IOException {
        Path file = dir.resolve("metrics-" + System.nanoTime() + ".jsonl");
        try (MetricsLog log = MetricsLog.open(file, -1)) {
            log.write(record, groups);
        }
        return MetricsLog.read(file).getFirst();
    }

    /** A line as MetricsLog reads it (integers as Long, NaN as null), in its key order. */
    private Map<String, Object> read(String text) throws IOException {
        Path file = dir.resolve("golden-" + System.nanoTime() + ".jsonl");
        Files.writeString(file, text + "\n");
        return new LinkedHashMap<>(MetricsLog.read(file).getFirst());
    }
}
