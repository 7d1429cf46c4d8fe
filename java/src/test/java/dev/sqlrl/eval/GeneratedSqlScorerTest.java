package dev.sqlrl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.TestPaths;
import dev.sqlrl.data.ChatTemplate;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.data.PromptTemplate;
import dev.sqlrl.data.SchemaSerializer;
import dev.sqlrl.data.SqlExtractor;
import dev.sqlrl.data.TestDatabases;
import dev.sqlrl.generation.GeneratedSql;
import dev.sqlrl.generation.GenerationResult;
import dev.sqlrl.generation.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoring half of evaluation, on answers written by hand instead of by a model. */
class GeneratedSqlScorerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PromptBuilder PROMPTS = new PromptBuilder(PromptTemplate.load(PromptTemplate.DEFAULT_ID),
            ChatTemplate.chatMl(), new SchemaSerializer(new SchemaSerializer.Options(true, 0, 40)));

    @TempDir
    Path dir;

    static Dataset spider;
    static GeneratedSqlScorer scorer;

    @BeforeAll
    static void setUp() {
        spider = DatasetLoader.load(TestPaths.shared().resolve("spider-sample"), "train");
        scorer = new GeneratedSqlScorer(2);
    }

    @AfterAll
    static void tearDown() {
        if (scorer != null) scorer.close();
    }

    /** An answer as a model would write it: the SQL in a fenced block after a sentence. */
    static Sample answer(String sql, boolean truncated) {
        String text = sql == null ? "I cannot tell from this schema" : "Here is the query:\n```sql\n" + sql + "\n```";
        return new Sample(new int[0], new float[0], text, SqlExtractor.extract(text), truncated);
    }

    static GeneratedSql generated(Dataset dataset, Example example, Sample... samples) {
        return new GeneratedSql(example, PROMPTS.build(example, dataset), new int[0], List.of(samples));
    }

    /** Every 40th example of the 18 databases, so all hardness levels appear. */
    static List<Example> spread() {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < spider.examples().size(); i += 40) examples.add(spider.examples().get(i));
        return examples;
    }

    @Test
    void goldAnswersScoreExAndEmOneWithHardness() {
        List<GeneratedSql> answers = spread().stream().map(e -> generated(spider, e, answer(e.goldSql(), false))).toList();
        EvaluationReport report = scorer.score(spider, new GenerationResult(answers, List.of()));
        assertEquals(answers.size(), report.results().size());
        assertEquals(1.0, report.ex(), () -> "wrong: " + report.results().stream().filter(r -> !r.ex()).toList());
        assertEquals(1.0, report.em());
        assertEquals(0, report.skipped());
        for (int i = 0; i < answers.size(); i++) {
            PairResult r = report.results().get(i);
            assertNotNull(r.hardness(), "hardness of " + r.record().gold());
            assertEquals(answers.get(i).samples().getFirst().sql().orElseThrow(), r.chosenPrediction());
            assertEquals(i + 1, r.record().line());
        }
        assertEquals(answers.size(), report.summary().row("all").count());
        assertTrue(report.summary().rows().stream().filter(row -> !row.level().equals("all")).filter(row -> row.count() > 0)
                .count() >= 3, "hardness levels seen: " + report.summary().toText());
    }

    @Test
    void anAnswerWithoutSqlIsWrongAndSaysSo() {
        Example example = spider.examples().get(3);
        EvaluationReport report = scorer.score(spider, new GenerationResult(List.of(
                generated(spider, example, answer(null, true)),
                generated(spider, example, answer("SELECT nonexistent FROM nowhere", false))), List.of(example)));
        PairResult noSql = report.results().get(0);
        assertFalse(noSql.ex());
        assertEquals(FailureKind.NO_SQL, noSql.failure());
        assertTrue(noSql.error().contains("new-token limit"), noSql.error());
        assertEquals("", noSql.chosenPrediction());
        assertEquals(FailureKind.UNKNOWN_TABLE, report.results().get(1).failure());
        assertEquals(0.0, report.ex());
        assertEquals(1, report.skipped());
        assertEquals(1, report.samplesWithoutSql());
        assertEquals(1, report.truncatedSamples());
    }

    @Test
    void voteKPicksTheAnswerMostSamplesAgreeOn() {
        Example example = spider.examples().get(10);
        String gold = example.goldSql();
        GeneratedSql votes = generated(spider, example, answer("SELECT 1", false), answer(null, false), answer(gold, false),
                answer(gold.replace(" ", "  "), false));
        PairResult result = scorer.score(spider, new GenerationResult(List.of(votes), List.of())).results().getFirst();
        assertTrue(result.ex());
        assertTrue(result.record().voting());
        assertEquals(2, result.chosenIndex());
        assertEquals(2, result.votes());
        assertEquals(4, result.record().source().get("preds").size());
        assertEquals(4, result.record().source().get("completions").size());
    }

    @Test
    void ownJsonlDataIsScoredWithHardnessFromItsOwnDatabase() throws Exception {
        Dataset own = DatasetLoader.load(TestDatabases.ownJsonl(dir), "train");
        List<GeneratedSql> answers = own.examples().stream().map(e -> generated(own, e, answer(e.goldSql(), false))).toList();
        EvaluationReport report = scorer.score(own, new GenerationResult(answers, List.of()));
        assertEquals(own.examples().size(), report.results().size());
        assertEquals(1.0, report.ex());
        report.results().forEach(r -> assertNotNull(r.hardness(), r.record().gold()));
    }

    @Test
    void birdDataGetsMiniDevSoftF1BesideEx() throws Exception {
        Dataset bird = DatasetLoader.load(TestDatabases.birdMini(dir), "dev");
        List<Example> e = bird.examples();
        List<GeneratedSql> answers = List.of(
                generated(bird, e.get(0), answer(e.get(0).goldSql(), false)),            // F1 1
                generated(bird, e.get(1), answer("SELECT COUNT(*) FROM orders", false)), // 4 vs 105.25: F1 0
                // ('Bo',) and ('Chen',) vs ('Bo',): tp 1, fp 1 -> P 1/2, R 1 -> F1 2/3
                generated(bird, e.get(2), answer("SELECT name FROM customers WHERE country = 'Germany'", false)));
        EvaluationReport report = scorer.score(bird, new GenerationResult(answers, List.of()));
        assertEquals(List.of(1.0, 0.0, 2.0 / 3), report.results().stream().map(PairResult::softF1).toList());
        assertEquals(5.0 / 9, report.summary().softF1().orElseThrow(), 1e-12);
        Path out = dir.resolve("bird-eval");
        EvaluationFiles.write(out, report, Map.of());
        List<String> lines = Files.readAllLines(out.resolve(EvaluationFiles.RESULTS));
        assertEquals(2.0 / 3, JSON.readTree(lines.get(2)).get("soft_f1").asDouble(), 1e-12);
        String markdown = Files.readString(out.resolve(EvaluationFiles.REPORT));
        assertTrue(markdown.contains("| Soft-F1 | 0.556 |"), markdown);

        EvaluationReport spiderReport = scorer.score(spider, new GenerationResult(
                List.of(generated(spider, spread().getFirst(), answer("SELECT 1", false))), List.of()));
        assertTrue(spiderReport.summary().softF1().isEmpty(), "Soft-F1 is BIRD's");
        assertFalse(ResultsFile.line(spiderReport.results().getFirst()).has("soft_f1"));
    }

    @Test
    void birdRvesRewardsCorrectAnswersByTimeRatio() throws Exception {
        Dataset bird = DatasetLoader.load(TestDatabases.birdMini(dir), "dev");
        List<Example> e = bird.examples();
        // an injected timer: every gold run 0.2 s, every prediction 0.1 s, so a correct answer's ratio is 2 -> 1.25
        try (GeneratedSqlScorer timed = new GeneratedSqlScorer(2,
                (db, sql) -> bird.examples().stream().anyMatch(x -> x.goldSql().equals(sql)) ? 0.2 : 0.1)) {
            EvaluationReport report = timed.score(bird, new GenerationResult(List.of(
                    // the gold's result from other text, so that the timer tells them apart
                    generated(bird, e.get(0), answer("SELECT count(id) FROM customers WHERE country = 'France'", false)),
                    generated(bird, e.get(1), answer("SELECT COUNT(*) FROM orders", false))), List.of()));
            assertEquals(List.of(1.25, 0.0), report.results().stream().map(PairResult::rvesReward).toList());
            assertEquals((Math.sqrt(1.25) * 100) / 2, report.summary().rves().orElseThrow(), 1e-9);
            assertEquals(1.25, ResultsFile.line(report.results().getFirst()).get("rves_reward").asDouble());
            String markdown = report.summary().toMarkdown();
            assertTrue(markdown.contains("ran 100 times each"), markdown);
        }
        assertTrue(scorer.score(bird, new GenerationResult(List.of(generated(bird, e.get(0),
                answer(e.get(0).goldSql(), false))), List.of())).summary().rves().isEmpty(), "off without a timer");
    }

    @Test
    void filesHoldEvalSqlPredictionsResultsAndAReport() throws Exception {
        List<Example> examples = spread().subList(0, 5);
        List<GeneratedSql> answers = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            answers.add(generated(spider, e, answer(i % 2 == 0 ? e.goldSql() : "SELECT 1", false)));
        }
        EvaluationReport report = scorer.score(spider, new GenerationResult(answers, List.of()));
        Path out = dir.resolve("eval");
        EvaluationFiles.write(out, report, Map.of("model", "hand-written answers"));

        List<PredictionRecord> predictions = PredictionsFile.read(out.resolve(EvaluationFiles.PREDICTIONS));
        assertEquals(examples.size(), predictions.size());
        for (int i = 0; i < examples.size(); i++) {
            assertEquals(examples.get(i).dbId(), predictions.get(i).dbId());
            assertEquals(report.results().get(i).chosenPrediction(), predictions.get(i).predictions().getFirst());
            assertEquals(examples.get(i).question(), predictions.get(i).source().get("question").asText());
        }
        List<PredictionRecord> official = OfficialSqlFiles.read(out.resolve(OfficialSqlFiles.GOLD), out.resolve(OfficialSqlFiles.PRED));
        assertEquals(examples.size(), official.size(), "gold.sql and pred.sql for the official evaluator");
        for (int i = 0; i < examples.size(); i++) {
            assertEquals(examples.get(i).dbId(), official.get(i).dbId());
            assertEquals(OfficialSqlFiles.oneLine(examples.get(i).goldSql()), official.get(i).gold());
            assertEquals(OfficialSqlFiles.oneLine(report.results().get(i).chosenPrediction()), official.get(i).predictions().getFirst());
        }
        List<String> results = Files.readAllLines(out.resolve(EvaluationFiles.RESULTS));
        assertEquals(examples.size(), results.size());
        for (int i = 0; i < results.size(); i++) {
            JsonNode line = JSON.readTree(results.get(i));
            assertEquals(i % 2 == 0 ? 1 : 0, line.get("ex").asInt(), results.get(i));
            assertTrue(line.get("hardness").isTextual());
        }
        String markdown = Files.readString(out.resolve(EvaluationFiles.REPORT));
        assertTrue(markdown.contains("## By hardness"), markdown);
        assertTrue(markdown.contains("| model | hand-written answers |"), markdown);
        assertTrue(markdown.contains("## First wrong answers"), markdown);
        assertEquals(0.6, report.ex(), 1e-9);
    }
}
