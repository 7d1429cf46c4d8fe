package dev.sqlrl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.generation.SqlGenerator;
import dev.sqlrl.generation.TinySqlModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation and scoring together, on a random tiny model (its EX is whatever its noise earns). */
class ModelEvaluatorTest {
    @TempDir
    static Path dir;

    static TinySqlModel tiny;
    static Dataset dataset;
    static List<Example> examples;

    @BeforeAll
    static void load() {
        tiny = TinySqlModel.create(dir.resolve("tiny"));
        dataset = TinySqlModel.spiderSample();
        examples = List.of(dataset.examples().get(5), dataset.examples().get(600), dataset.examples().get(1500));
    }

    @AfterAll
    static void close() {
        if (tiny != null) tiny.close();
    }

    @Test
    void greedyEvaluationScoresEveryExampleAndRepeatsExactly() {
        SqlGenerator generator = new SqlGenerator(tiny.model(), tiny.tokenizer(), tiny.prompts(), 4096, 2);
        try (ModelEvaluator evaluator = new ModelEvaluator(generator, 2)) {
            EvaluationReport first = evaluator.evaluate(dataset, examples, 1, 10, 0, false);
            EvaluationReport again = evaluator.evaluate(dataset, examples, 1, 10, 0, false);
            assertEquals(examples.size(), first.results().size());
            assertEquals(examples.size(), first.generations().size());
            for (int i = 0; i < examples.size(); i++) {
                PairResult r = first.results().get(i);
                assertEquals(examples.get(i).goldSql(), r.record().gold());
                assertNotNull(r.hardness());
                assertEquals(1, first.generations().get(i).samples().size());
                assertEquals(r.chosenPrediction(), again.results().get(i).chosenPrediction());
                assertEquals(r.ex(), again.results().get(i).ex());
            }
            assertEquals(first.summary().row("all").exRate(), first.ex());
            assertTrue(first.ex() >= 0 && first.ex() <= 1);
        }
    }

    @Test
    void voteKSamplesKAnswersPerExampleAndVotes() {
        SqlGenerator generator = new SqlGenerator(tiny.model(), tiny.tokenizer(), tiny.prompts(), 4096, 3);
        try (ModelEvaluator evaluator = new ModelEvaluator(generator, 2)) {
            EvaluationReport report = evaluator.evaluate(dataset, examples, 3, 8, 42, false);
            for (int i = 0; i < examples.size(); i++) {
                assertEquals(3, report.generations().get(i).samples().size());
                assertTrue(report.results().get(i).record().voting());
                assertEquals(3, report.results().get(i).record().predictions().size());
            }
        }
    }

    @Test
    void examplesWhosePromptIsTooLongAreCountedAsSkipped() {
        SqlGenerator generator = new SqlGenerator(tiny.model(), tiny.tokenizer(), tiny.prompts(), 16, 2);
        try (ModelEvaluator evaluator = new ModelEvaluator(generator, 1)) {
            EvaluationReport report = evaluator.evaluate(dataset, examples, 1, 4, 0, false);
            assertEquals(examples.size(), report.skipped());
            assertEquals(0, report.results().size());
            assertEquals(0.0, report.ex());
        }
    }
}
