package dev.sqlrl.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplesLogTest {
    @TempDir
    Path temp;

    private static Map<String, Object> sample(long step, int index) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("step", step);
        record.put("prompt", "How many singers?\nline two \"quoted\"");
        record.put("completion", "```sql\nSELECT count(*) FROM singer\n```");
        record.put("sql", "SELECT count(*) FROM singer");
        record.put("index", index);
        record.put("rewards", Map.of("execution", 1.0, "format", Double.NaN));
        return record;
    }

    @Test
    void samplesRoundTripWithMultiLineTextAndResumeTruncation() throws Exception {
        Path file = temp.resolve("samples.jsonl");
        try (SamplesLog log = SamplesLog.open(file, -1)) {
            for (long step = 2; step <= 10; step += 2) {
                log.write(sample(step, 0));
                log.write(sample(step, 1));
            }
        }
        assertEquals(10, Files.readAllLines(file).size());
        try (SamplesLog log = SamplesLog.open(file, 6)) {
            log.write(sample(8, 7));
        }
        List<Map<String, Object>> records = SamplesLog.read(file);
        assertEquals(List.of(2L, 2L, 4L, 4L, 6L, 6L, 8L), records.stream().map(r -> r.get("step")).toList());
        assertEquals(7L, records.getLast().get("index"));
        assertEquals("How many singers?\nline two \"quoted\"", records.getFirst().get("prompt"));
        Map<?, ?> rewards = (Map<?, ?>) records.getFirst().get("rewards");
        assertTrue(rewards.containsKey("format") && rewards.get("format") == null, "NaN reward written as null: " + rewards);
    }

    @Test
    void samplesNeedAStep() {
        try (SamplesLog log = SamplesLog.open(temp.resolve("samples.jsonl"), -1)) {
            assertThrows(IllegalArgumentException.class, () -> log.write(Map.of("prompt", "p")));
        }
    }
}
