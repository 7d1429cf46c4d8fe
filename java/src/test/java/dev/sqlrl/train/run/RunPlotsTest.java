package dev.sqlrl.train.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunPlotsTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path temp;

    /** A run shaped like the trainers write it: SFT, then GRPO with evaluations every 10 steps. */
    static Path syntheticMetrics(Path file) {
        try (MetricsLog log = MetricsLog.open(file, -1)) {
            for (long step = 1; step <= 20; step++) {
                log.write(Map.of("step", step, "stage", "sft", "loss", 2.0 / step, "lr", 1e-4 * Math.min(1.0, step / 10.0),
                        "tokens_per_s/update", 9000.0 + step));
            }
            for (long step = 1; step <= 80; step++) {
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("step", step);
                record.put("stage", "grpo");
                record.put("loss", 0.01 * Math.sin(step));
                record.put("reward", 0.2 + step * 0.005);
                record.put("reward/execution", 0.1 + step * 0.006);
                record.put("reward/format", 0.9);
                record.put("kl", step == 40 ? Double.NaN : 0.001 * step);
                record.put("train/sample_ex", 0.1 + step * 0.004);
                record.put("completion_length/mean", 60.0 - step * 0.2);
                record.put("completion_length/max", 128L);
                record.put("tokens_per_s/sample", 1100.0);
                record.put("tokens_per_s/update", 14000.0);
                log.write(record);
                if (step % 10 == 0) {
                    log.write(Map.of("step", step, "stage", "eval", "eval/ex", 0.3 + step * 0.002));
                }
            }
        }
        return file;
    }

    @Test
    void rendersAPngPerRecordedChart() throws Exception {
        Path metrics = syntheticMetrics(temp.resolve("metrics.jsonl"));
        Path out = temp.resolve("plots");
        List<Path> pngs = RunPlots.render(metrics, out);
        assertEquals(List.of("reward.png", "ex.png", "kl.png", "loss.png", "completion_length.png", "throughput.png",
                "lr.png"), pngs.stream().map(p -> p.getFileName().toString()).toList(), "no grad_norm was recorded");
        for (Path png : pngs) {
            byte[] bytes = Files.readAllBytes(png);
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8), png + " is not a PNG");
            assertTrue(bytes.length > 10_000, png + " is only " + bytes.length + " bytes");
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(900, image.getWidth());
            assertEquals(500, image.getHeight());
        }
        try (var left = Files.list(out)) {
            assertEquals(pngs.size(), left.count(), "no temporary files left");
        }
    }

    @Test
    void theRewardTrendIsATrailingMean() {
        RunPlots.Series reward = new RunPlots.Series(List.of(1.0, 2.0, 3.0, 4.0, 5.0), List.of(0.0, 1.0, 0.5, 1.0, 0.0));
        RunPlots.Series mean = RunPlots.trailingMean(reward, 2);
        assertEquals(reward.steps(), mean.steps());
        assertEquals(List.of(0.0, 0.5, 0.75, 0.75, 0.5), mean.values());
        assertEquals(5, RunPlots.smoothingWindow(20));
        assertEquals(10, RunPlots.smoothingWindow(100));
    }

    @Test
    void chartsOnlyWhatIsPresent() throws Exception {
        Path metrics = temp.resolve("metrics.jsonl");
        Files.writeString(metrics, "{\"step\":0,\"stage\":\"eval\",\"eval/ex\":0.25}\n"
                + "{\"step\":1,\"stage\":\"grpo\",\"kl\":null,\"something_else\":3}\n");
        List<Path> pngs = RunPlots.render(metrics, temp.resolve("plots"));
        assertEquals(List.of(temp.resolve("plots/ex.png")), pngs, "a single point still charts; an all-null kl does not");
        assertEquals(List.of(), RunPlots.render(writeLine(temp.resolve("other.jsonl"),
                "{\"step\":1,\"stage\":\"grpo\",\"custom\":1.0}\n"), temp.resolve("plots2")));
    }

    @Test
    void emptyMissingOrMalformedMetricsAreUserErrors() throws Exception {
        Path empty = writeLine(temp.resolve("empty.jsonl"), "");
        assertEquals(empty + " holds no metrics yet",
                assertThrows(UserInputException.class, () -> RunPlots.render(empty, temp)).getMessage());
        Path missing = temp.resolve("missing.jsonl");
        assertEquals(missing + " does not exist",
                assertThrows(UserInputException.class, () -> RunPlots.render(missing, temp)).getMessage());
        Path bad = writeLine(temp.resolve("bad.jsonl"), "{\"step\":1,\"stage\":\"grpo\"}\nnot json\n");
        assertTrue(assertThrows(UserInputException.class, () -> RunPlots.render(bad, temp)).getMessage()
                .startsWith(bad + ":2: not a JSON object"));
    }

    private static Path writeLine(Path file, String text) throws Exception {
        return Files.writeString(file, text);
    }
}
