package dev.sqlrl.cli;

import static dev.sqlrl.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import dev.sqlrl.eval.FilteredSplit;
import dev.sqlrl.eval.PassRateFilter;
import dev.sqlrl.sql.spider.Hardness;
import dev.sqlrl.train.TinyTrainingSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sqlrl data filter`: which questions stay, what the written split and report hold, and the command end to end. */
class DataFilterCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theSplitKeepsQuestionsBetweenTheThresholdsAndLoadsAsJsonl() throws Exception {
        TinyTrainingSetup setup = TinyTrainingSetup.create(dir.resolve("setup"));
        Dataset train = DatasetLoader.load(dir.resolve("setup/data"), "train", new DatasetLoader.Options(6, false));
        int[] correct = {0, 1, 4, 7, 8, 8};
        List<PassRateFilter.Rate> rates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rates.add(new PassRateFilter.Rate(train.examples().get(i), correct[i], 8, i < 3 ? Hardness.EASY : Hardness.HARD));
        }
        Path out = dir.resolve("filtered");
        FilteredSplit.Counts counts = FilteredSplit.write(out, "train", new PassRateFilter.Measured(rates, List.of()),
                new PassRateFilter.Thresholds(0, 1), Map.of("k", "8"));
        assertEquals(new FilteredSplit.Counts(6, 3, 1, 2, 0), counts);

        Dataset kept = DatasetLoader.load(out, "train", new DatasetLoader.Options(0, false));
        assertEquals(3, kept.examples().size());
        for (int i = 0; i < 3; i++) {
            Example was = train.examples().get(i + 1);
            Example is = kept.examples().get(i);
            assertEquals(List.of(was.id(), was.question(), was.goldSql(), was.dbId(), was.dbPath().toAbsolutePath().normalize()),
                    List.of(is.id(), is.question(), is.goldSql(), is.dbId(), is.dbPath()));
        }
        List<String> rateLines = Files.readAllLines(out.resolve(FilteredSplit.RATES));
        assertEquals(6, rateLines.size());
        assertEquals(0.5, JSON.readTree(rateLines.get(2)).get("pass_rate").asDouble());
        JsonNode report = JSON.readTree(out.resolve(FilteredSplit.REPORT_JSON).toFile());
        assertEquals(List.of(1, 1, 0, 0, 1, 0, 0, 1, 2), JSON.convertValue(report.get("questions_by_correct_samples"), List.class));
        assertEquals(2, report.get("by_hardness").get("easy").get("kept").asInt());
        assertEquals(2, report.get("by_hardness").get("hard").get("dropped_at_or_above").asInt());
        assertEquals((7 + 8 + 8) / 24.0, report.get("by_hardness").get("hard").get("mean_pass_rate").asDouble(), 1e-12);
        assertTrue(Files.readString(out.resolve(FilteredSplit.REPORT_MD)).contains("Kept 3 of 6"));

        // Stricter thresholds keep only the middle.
        assertEquals(new FilteredSplit.Counts(6, 1, 2, 3, 0), FilteredSplit.write(dir.resolve("strict"), "train",
                new PassRateFilter.Measured(rates, List.of()), new PassRateFilter.Thresholds(0.125, 0.875), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new PassRateFilter.Thresholds(0.5, 0.5));
    }

    @Test
    void theCommandSamplesScoresAndWritesOrRefusesBadOptionsInOneLine() throws Exception {
        TinyTrainingSetup setup = TinyTrainingSetup.create(dir.resolve("setup"));
        Path data = dir.resolve("setup/data");
        Path out = dir.resolve("out");
        CliRun.Result ok = run("data", "filter", "--model", setup.modelDir().toString(), "--data", data.toString(), "--split",
                "train", "--k", "2", "--max-examples", "3", "--max-new-tokens", "8", "--out", out.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("of 3 questions"), ok.out());
        JsonNode report = JSON.readTree(out.resolve(FilteredSplit.REPORT_JSON).toFile());
        int measured = report.get("measured").asInt();
        assertEquals(3, measured + report.get("skipped_prompt_too_long").asInt());
        assertEquals(measured, report.get("kept").asInt() + report.get("dropped_at_or_below").asInt()
                + report.get("dropped_at_or_above").asInt());
        assertEquals(measured, Files.readAllLines(out.resolve(FilteredSplit.RATES)).size());
        assertEquals(report.get("kept").asInt(), Files.readAllLines(out.resolve("train.jsonl")).stream()
                .filter(line -> !line.isBlank()).count());
        assertEquals("2", report.get("settings").get("samples per question").asText());

        CliRun.Result oneSample = run("data", "filter", "--model", setup.modelDir().toString(), "--data", data.toString(),
                "--k", "1", "--out", out.toString());
        assertEquals(2, oneSample.code());
        assertTrue(oneSample.err().contains("--k") && !oneSample.err().contains("\tat "), oneSample.err());
        CliRun.Result crossed = run("data", "filter", "--model", setup.modelDir().toString(), "--data", data.toString(),
                "--drop-at-or-below", "0.8", "--drop-at-or-above", "0.5", "--out", out.toString());
        assertEquals(2, crossed.code());
        assertTrue(crossed.err().contains("--drop-at-or-below"), crossed.err());
    }
}
