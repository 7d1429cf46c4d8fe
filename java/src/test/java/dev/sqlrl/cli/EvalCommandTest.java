package dev.sqlrl.cli;

import static dev.sqlrl.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.TestPaths;
import dev.sqlrl.cli.CliRun.Result;
import dev.sqlrl.eval.PredictionRecord;
import dev.sqlrl.eval.PredictionsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sqlrl eval` end to end through Main.run, and its one-line errors. */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void evaluatesATinyModelAndWritesPredictionsResultsAndReport() throws Exception {
        assumeFalse(Boolean.getBoolean("sqlrl.native.skip"), "native library not built (-Dsqlrl.native.skip=true)");
        Path model = dir.resolve("tiny");
        assertEquals(0, run("init-model", "--arch", "qwen2", "--out", model.toString()).code());
        Path out = dir.resolve("eval");
        Result result = run("eval", "--model", model.toString(), "--data", TestPaths.shared().resolve("spider-sample").toString(),
                "--split", "train", "--max-examples", "3", "--max-new-tokens", "8", "--vote", "2", "--sample-values", "0",
                "--sql-threads", "2", "--batch-prompts", "2", "--out", out.toString());
        assertEquals(0, result.code(), result.err());
        assertTrue(result.out().contains("hardness") && result.out().contains("all"), result.out());
        assertTrue(result.out().contains("predictions: " + out.resolve("predictions.jsonl")), result.out());
        assertTrue(result.err().contains("eval: 2/3 prompts") && result.err().contains("eval: 3/3 prompts"), result.err());

        List<PredictionRecord> predictions = PredictionsFile.read(out.resolve("predictions.jsonl"));
        assertEquals(3, predictions.size());
        predictions.forEach(p -> assertEquals(2, p.predictions().size()));
        List<String> results = Files.readAllLines(out.resolve("results.jsonl"));
        assertEquals(3, results.size());
        for (String line : results) {
            JsonNode node = JSON.readTree(line);
            assertTrue(node.has("ex") && node.has("em") && node.get("hardness").isTextual() && node.has("votes"), line);
        }
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## By hardness") && report.contains("| decoding | vote@2"), report);
    }

    @Test
    void userErrorsAreOneLineWithExitCode2() {
        Path spider = TestPaths.shared().resolve("spider-sample");
        Result noModel = run("eval", "--model", dir.resolve("missing").toString(), "--data", spider.toString(),
                "--split", "train", "--max-examples", "1");
        assertEquals(2, noModel.code());
        assertEquals("sqlrl: model folder not found: " + dir.resolve("missing"), noModel.err().strip());

        Result noData = run("eval", "--model", dir.toString(), "--data", dir.resolve("nodata").toString());
        assertEquals(2, noData.code());
        assertTrue(noData.err().contains("dataset folder not found"), noData.err());

        Result noSplit = run("eval", "--model", dir.toString(), "--data", spider.toString(), "--split", "dev");
        assertEquals(2, noSplit.code());
        assertTrue(noSplit.err().contains("dev.json"), noSplit.err());
        assertEquals(1, noSplit.err().strip().lines().count(), noSplit.err());

        Result badVote = run("eval", "--model", dir.toString(), "--data", spider.toString(), "--vote", "0");
        assertEquals(2, badVote.code());
        assertTrue(badVote.err().contains("--vote must be at least 1"), badVote.err());
    }
}
