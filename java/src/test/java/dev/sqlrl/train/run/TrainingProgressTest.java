package dev.sqlrl.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong();

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static Map<String, String> metrics(long step) {
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("loss", String.format("%.3f", 1.0 / step));
        metrics.put("reward", "0.50");
        return metrics;
    }

    @Test
    void plainModePrintsTheFirstStepEveryFivePercentAndTheLast() {
        try (TrainingProgress progress = new TrainingProgress("grpo", 100, 0, false, out, clock::get)) {
            for (long step = 1; step <= 100; step++) {
                clock.addAndGet(Duration.ofSeconds(2).toNanos() / 10); // 0.2 s per step: the time rule never fires
                progress.step(step, metrics(step));
            }
        }
        List<String> lines = lines();
        assertEquals(21, lines.size(), String.join("\n", lines)); // step 1, then 6, 11, ..., 96, then 100
        assertEquals("grpo step 1/100 (1.0%) 0.20 s/step elapsed 0s ETA 19s | loss=1.000 reward=0.50", lines.getFirst());
        assertEquals("grpo step 6/100 (6.0%) 0.20 s/step elapsed 1s ETA 18s | loss=0.167 reward=0.50", lines.get(1));
        assertEquals("grpo step 100/100 (100.0%) 0.20 s/step elapsed 20s ETA 0s | loss=0.010 reward=0.50", lines.getLast());
    }

    @Test
    void slowStepsPrintEveryTenSecondsAndEtaCountsOnlyStepsOfThisSession() {
        try (TrainingProgress progress = new TrainingProgress("sft", 2000, 1000, false, out, clock::get)) {
            for (long step = 1001; step <= 1007; step++) {
                clock.addAndGet(Duration.ofSeconds(4).toNanos());
                progress.step(step, Map.of("loss", "0.9"));
            }
        }
        // printed at 1001 (first), 1004 (12 s after), 1007 (12 s after)
        assertEquals(List.of(
                "sft step 1001/2000 (50.1%) 4.00 s/step elapsed 4s ETA 1h06m | loss=0.9",
                "sft step 1004/2000 (50.2%) 4.00 s/step elapsed 16s ETA 1h06m | loss=0.9",
                "sft step 1007/2000 (50.4%) 4.00 s/step elapsed 28s ETA 1h06m | loss=0.9"), lines());
    }

    @Test
    void closePrintsTheLastStepWhenItWasNotShownYet() {
        try (TrainingProgress progress = new TrainingProgress("grpo", 1000, 0, false, out, clock::get)) {
            progress.step(1, Map.of());
            clock.addAndGet(Duration.ofSeconds(1).toNanos());
            progress.step(2, Map.of());
        }
        assertEquals(List.of("grpo step 1/1000 (0.1%) 0.00 s/step elapsed 0s ETA 0s",
                "grpo step 2/1000 (0.2%) 0.50 s/step elapsed 1s ETA 8m19s"), lines());
    }

    @Test
    void barModeDrawsTheBarWithTheLatestMetrics() {
        try (TrainingProgress progress = new TrainingProgress("grpo", 50, 10, true, out, System::nanoTime)) {
            progress.step(11, Map.of("reward", "0.42"));
            progress.step(12, Map.of("reward", "0.43"));
        }
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        String last = drawn.substring(drawn.lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("grpo"), drawn);
        assertTrue(last.contains("12/50") && last.contains("reward=0.43"), last);
    }

    @Test
    void durationsAreCompact() {
        assertEquals("59s", TrainingProgress.format(Duration.ofSeconds(59)));
        assertEquals("3m07s", TrainingProgress.format(Duration.ofSeconds(187)));
        assertEquals("2h05m", TrainingProgress.format(Duration.ofMinutes(125)));
    }

    @Test
    void startAfterTheEndIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TrainingProgress("grpo", 10, 11, false));
    }

    @Test
    void publicConstructorWithoutATerminalPrintsPlainLinesToStderr() {
        PrintStream stderr = System.err;
        System.setErr(out);
        try (TrainingProgress progress = new TrainingProgress("grpo", 10, 0, true)) {
            progress.step(1, Map.of("ex", "0.1"));
        } finally {
            System.setErr(stderr);
        }
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().getFirst().startsWith("grpo step 1/10 (10.0%)"), lines().getFirst());
    }
}
