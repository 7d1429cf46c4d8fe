package dev.sqlrl.cli;

import static dev.sqlrl.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.TestPaths;
import dev.sqlrl.cli.CliRun.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sqlrl eval-sql` end to end on pairs of shared/spider-sample (flight_1). */
class EvalSqlCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path sample;

    @BeforeEach
    void findSample() {
        sample = TestPaths.spiderSample();
    }

    @Test
    void scoresPairsWritesResultsInOrderAndReports() throws IOException {
        String gold = "SELECT count(*) FROM Aircraft";
        Path preds = dir.resolve("preds.jsonl");
        Files.writeString(preds, String.join("\n",
                line("flight_1", gold, "\"pred\": \"SELECT count(*) FROM Aircraft\""),
                line("flight_1", gold, "\"pred\": \"SELECT count(aid) FROM Aircraft\""),
                line("flight_1", gold, "\"pred\": \"SELECT count(*) FROM Aircrft\""),
                line("flight_1", gold, "\"pred\": \"SELECT count(*) FROM employee\""),
                line("flight_1", "SELECT name FROM Aircraft ORDER BY distance DESC",
                        "\"pred\": \"SELECT name FROM Aircraft ORDER BY distance ASC\""),
                line("flight_1", gold, "\"preds\": [\"SELECT count(*) FROM employee\", \"SELECT count(*) FROM Aircraft\","
                        + " \"SELECT count(aid) FROM Aircraft\", \"SELEC nonsense\"]"))
                + "\n");
        Path out = dir.resolve("results.jsonl");
        Path report = dir.resolve("report.md");

        Result run = run("eval-sql", "--data", sample.toString(), "--predictions", preds.toString(), "--out", out.toString(),
                "--report", report.toString(), "--threads", "2");

        assertEquals(0, run.code(), run.err());
        List<JsonNode> results = new ArrayList<>();
        for (String text : Files.readAllLines(out)) {
            results.add(JSON.readTree(text));
        }
        assertEquals(6, results.size());
        assertEquals("SELECT count(aid) FROM Aircraft", results.get(1).get("pred").asText(), "same lines, same order");
        assertScores(results.get(0), 1, 1, "easy", null);
        assertScores(results.get(1), 1, 0, "easy", null); // count(pk): same result, not the same query
        assertScores(results.get(2), 0, 0, "easy", "unknown_table");
        assertScores(results.get(3), 0, 0, "easy", "wrong_result_values");
        assertScores(results.get(4), 0, 0, "easy", "wrong_result_order");
        // vote@k: count(*) and count(aid) on Aircraft give the same result and outvote employee.
        assertScores(results.get(5), 1, 1, "easy", null);
        assertEquals(1, results.get(5).get("voted_index").asInt());
        assertEquals(2, results.get(5).get("votes").asInt());

        assertTrue(run.out().contains("hardness"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("all\\s+6\\s+0\\.500\\s+0\\.333")), run.out());
        String markdown = Files.readString(report);
        assertTrue(markdown.contains("| easy | 6 | 0.500 | 0.333 |"), markdown);
        assertTrue(markdown.contains("| medium | 0 | 0.000 | 0.000 |"), markdown);
        assertTrue(markdown.contains("| unknown_table | 1 |"), markdown);
        assertTrue(markdown.contains("| wrong_result_order | 1 |"), markdown);
    }

    @Test
    void explicitTablesAndDatabaseFolderWorkLikeData() throws IOException {
        Path preds = dir.resolve("preds.jsonl");
        Files.writeString(preds, line("flight_1", "SELECT count(*) FROM Aircraft", "\"pred\": \"SELECT count(*) FROM Aircraft\"") + "\n");
        Result run = run("eval-sql", "--tables", sample.resolve("tables.json").toString(), "--db-dir",
                sample.resolve("database").toString(), "--predictions", preds.toString(), "--out",
                dir.resolve("r.jsonl").toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("all\\s+1\\s+1\\.000\\s+1\\.000")), run.out());
    }

    @Test
    void birdDataGetsSoftF1AndOnRequestRves() throws IOException {
        Path bird = dev.sqlrl.data.TestDatabases.birdMini(dir);
        String gold = "SELECT name FROM customers WHERE country = 'France'"; // ('Ana',), ('Dara',)
        Path preds = dir.resolve("preds.jsonl");
        Files.writeString(preds, String.join("\n",
                line("shop", gold, "\"pred\": \"SELECT name FROM customers WHERE id IN (1, 4)\""),
                // ('Ana', 'France'), ('Dara', 'France'): each row tp 1/1, fp 1/1 -> P 1/2, R 1 -> F1 2/3
                line("shop", gold, "\"pred\": \"SELECT name, country FROM customers WHERE country = 'France'\""))
                + "\n");
        Path out = dir.resolve("bird-results.jsonl");
        Path report = dir.resolve("bird-report.md");
        List<String> args = List.of("eval-sql", "--bird", "--tables", bird.resolve("dev_tables.json").toString(),
                "--db-dir", bird.resolve("dev_databases").toString(), "--predictions", preds.toString(),
                "--out", out.toString(), "--report", report.toString());
        Result run = run(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(1.0, JSON.readTree(lines.get(0)).get("soft_f1").asDouble());
        assertEquals(2.0 / 3, JSON.readTree(lines.get(1)).get("soft_f1").asDouble(), 1e-12);
        assertTrue(Files.readString(report).contains("| Soft-F1 | 0.833 |"), Files.readString(report));
        assertTrue(run.out().contains("Soft-F1 (BIRD mini-dev) 0.833"), run.out());

        List<String> withRves = new ArrayList<>(args);
        withRves.add("--rves");
        Result timed = run(withRves.toArray(String[]::new));
        assertEquals(0, timed.code(), timed.err());
        lines = Files.readAllLines(out);
        assertTrue(JSON.readTree(lines.get(0)).get("rves_reward").asDouble() > 0, lines.get(0)); // timing decides the bucket
        assertEquals(0.0, JSON.readTree(lines.get(1)).get("rves_reward").asDouble(), "EX 0: reward 0");
        assertTrue(Files.readString(report).contains("ran 100 times each"), Files.readString(report));

        Result spiderRves = run("eval-sql", "--data", sample.toString(), "--predictions", preds.toString(), "--out",
                dir.resolve("r.jsonl").toString(), "--rves");
        assertEquals(2, spiderRves.code());
        assertTrue(spiderRves.err().contains("--rves is BIRD's metric: it needs --bird"), spiderRves.err());
    }

    @Test
    void badInputExitsTwoWithFileAndLine() throws IOException {
        Path preds = dir.resolve("preds.jsonl");
        Files.writeString(preds, line("flight_1", "SELECT 1", "\"pred\": \"SELECT 1\"") + "\n{not json\n");
        Result malformed = run("eval-sql", "--data", sample.toString(), "--predictions", preds.toString(), "--out",
                dir.resolve("r.jsonl").toString());
        assertEquals(2, malformed.code());
        assertTrue(malformed.err().contains(preds + ":2: malformed JSON"), malformed.err());

        Files.writeString(preds, line("no_such_db", "SELECT 1", "\"pred\": \"SELECT 1\"") + "\n");
        Result unknownDb = run("eval-sql", "--data", sample.toString(), "--predictions", preds.toString(), "--out",
                dir.resolve("r.jsonl").toString());
        assertEquals(2, unknownDb.code());
        assertTrue(unknownDb.err().contains(preds + ":1: db_id 'no_such_db'"), unknownDb.err());
    }

    @Test
    void officialGoldAndPredFilesScoreLikeTheirJsonLines() throws IOException {
        Path gold = dir.resolve("gold.sql");
        Path pred = dir.resolve("pred.sql");
        // evaluation.py's layout: SQL<TAB>db_id; blank lines are skipped in both files.
        Files.writeString(gold, "SELECT count(*) FROM Aircraft\tflight_1\n\nSELECT name FROM Aircraft ORDER BY distance DESC\tflight_1\n"
                + "SELECT count(*) FROM Aircraft\tflight_1\n");
        Files.writeString(pred, "SELECT count(*) FROM Aircraft\nSELECT name FROM Aircraft ORDER BY distance ASC\n\n"
                + "SELECT count(*) FROM Aircrft\n");
        Path out = dir.resolve("results.jsonl");
        Result run = run("eval-sql", "--data", sample.toString(), "--gold", gold.toString(), "--pred", pred.toString(),
                "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(3, lines.size());
        assertScores(JSON.readTree(lines.get(0)), 1, 1, "easy", null);
        assertScores(JSON.readTree(lines.get(1)), 0, 0, "easy", "wrong_result_order");
        assertScores(JSON.readTree(lines.get(2)), 0, 0, "easy", "unknown_table");
        assertEquals("SELECT count(*) FROM Aircrft", JSON.readTree(lines.get(2)).get("pred").asText());

        Files.writeString(pred, "SELECT 1\n");
        Result shorter = run("eval-sql", "--data", sample.toString(), "--gold", gold.toString(), "--pred", pred.toString(),
                "--out", out.toString());
        assertEquals(2, shorter.code());
        assertEquals("sqlrl: " + pred + ": 1 predictions for 3 gold queries in " + gold + " (blank lines do not count)",
                shorter.err().strip());

        Files.writeString(gold, "SELECT 1 flight_1\n");
        Result noTab = run("eval-sql", "--data", sample.toString(), "--gold", gold.toString(), "--pred", pred.toString(),
                "--out", out.toString());
        assertEquals(2, noTab.code());
        assertEquals("sqlrl: " + gold + ":1: expected SQL<TAB>db_id", noTab.err().strip());

        Result both = run("eval-sql", "--data", sample.toString(), "--gold", gold.toString(), "--pred", pred.toString(),
                "--predictions", pred.toString(), "--out", out.toString());
        assertEquals(2, both.code(), "JSON lines or the official files, not both");
    }

    private static String line(String dbId, String gold, String predictionField) {
        return "{\"db_id\": \"" + dbId + "\", \"gold\": \"" + gold + "\", " + predictionField + "}";
    }

    private static void assertScores(JsonNode result, int ex, int em, String hardness, String category) {
        assertEquals(ex, result.get("ex").asInt(), result::toString);
        assertEquals(em, result.get("em").asInt(), result::toString);
        assertEquals(hardness, result.get("hardness").asText(), result::toString);
        if (category == null) {
            assertTrue(result.get("error_category").isNull(), result::toString);
        } else {
            assertEquals(category, result.get("error_category").asText(), result::toString);
        }
    }
}
