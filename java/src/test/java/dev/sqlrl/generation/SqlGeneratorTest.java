package dev.sqlrl.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.SqlExtractor;
import dev.sqlrl.model.SamplingParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SqlGenerator on a random tiny model and Spider sample questions (its answers are noise, their shape is not). */
class SqlGeneratorTest {
    private static final int MAX_NEW = 12;

    @TempDir
    static Path dir;

    static TinySqlModel tiny;
    static Dataset dataset;
    static List<Example> examples;

    @BeforeAll
    static void load() {
        tiny = TinySqlModel.create(dir.resolve("tiny"));
        dataset = TinySqlModel.spiderSample();
        // Questions on three databases, so prompts differ in length.
        examples = List.of(dataset.examples().get(0), dataset.examples().get(1), dataset.examples().get(400),
                dataset.examples().get(1200));
    }

    @AfterAll
    static void close() {
        if (tiny != null) tiny.close();
    }

    private SqlGenerator generator(int maxPromptTokens, int batchPrompts) {
        return new SqlGenerator(tiny.model(), tiny.tokenizer(), tiny.prompts(), maxPromptTokens, batchPrompts);
    }

    @Test
    void greedyGenerationIsDeterministicAndIndependentOfBatching() {
        SqlGenerator generator = generator(4096, 3);
        List<GeneratedSql> first = generator.generate(dataset, examples, generator.greedy(MAX_NEW), false);
        List<GeneratedSql> again = generator(4096, 1).generate(dataset, examples, generator.greedy(MAX_NEW), false);
        assertEquals(examples.size(), first.size());
        for (int i = 0; i < examples.size(); i++) {
            GeneratedSql g = first.get(i);
            assertEquals(examples.get(i), g.example());
            assertArrayEquals(tiny.tokenizer().encode(g.prompt().text()), g.promptTokens());
            assertTrue(g.prompt().text().contains(examples.get(i).question()));
            assertEquals(1, g.samples().size());
            Sample s = g.samples().getFirst();
            assertArrayEquals(s.tokens(), again.get(i).samples().getFirst().tokens(), "example " + i);
            assertEquals(s.tokens().length, s.logprobs().length);
            assertEquals(tiny.tokenizer().decode(s.tokens(), true), s.text());
            assertEquals(SqlExtractor.extract(s.text()), s.sql());
            boolean stopped = s.tokens().length > 0 && generator.stopIds().contains(s.tokens()[s.tokens().length - 1]);
            assertEquals(!stopped && s.tokens().length == MAX_NEW, s.truncated());
            assertTrue(s.tokens().length <= MAX_NEW);
        }
    }

    @Test
    void voteKGivesKSamplesPerPromptReproducibleFromTheSeed() {
        SqlGenerator generator = generator(4096, 2);
        // init-model's random models are peaky (tied embeddings favour repeating a token): a high
        // temperature makes their samples vary, which is what this test needs to see seeds at work
        SamplingParams params = generator.sampling(3, 5.0, 7, MAX_NEW);
        List<GeneratedSql> first = generator.generate(dataset, examples, params, false);
        List<GeneratedSql> again = generator.generate(dataset, examples, params, false);
        List<GeneratedSql> otherSeed = generator.generate(dataset, examples, generator.sampling(3, 5.0, 8, MAX_NEW), false);
        boolean anyDifferent = false;
        for (int i = 0; i < examples.size(); i++) {
            assertEquals(3, first.get(i).samples().size());
            for (int s = 0; s < 3; s++) {
                assertArrayEquals(first.get(i).samples().get(s).tokens(), again.get(i).samples().get(s).tokens());
                anyDifferent |= !java.util.Arrays.equals(first.get(i).samples().get(s).tokens(),
                        otherSeed.get(i).samples().get(s).tokens());
            }
        }
        assertTrue(anyDifferent, "another seed should draw other samples");
        // Samples of one prompt are drawn independently: at this temperature on a random model they differ.
        List<Sample> samples = first.getFirst().samples();
        assertFalse(java.util.Arrays.equals(samples.get(0).tokens(), samples.get(1).tokens())
                && java.util.Arrays.equals(samples.get(1).tokens(), samples.get(2).tokens()), "the 3 samples are identical");
    }

    @Test
    void promptsOverTheLimitAreSkippedAndCountedNeverTruncated() {
        List<Integer> lengths = new ArrayList<>();
        for (Example e : examples) lengths.add(tiny.tokenizer().encode(tiny.prompts().build(e, dataset).text()).length);
        int longest = lengths.stream().max(Integer::compare).orElseThrow();
        int shortest = lengths.stream().min(Integer::compare).orElseThrow();
        assertTrue(shortest < longest, "the test needs prompts of different lengths: " + lengths);
        int limit = longest - 1;
        GenerationResult result = generator(limit, 2).generateAll(dataset, examples, SamplingParams.greedy(2, List.of()), false);
        List<Example> expectedSkipped = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) if (lengths.get(i) > limit) expectedSkipped.add(examples.get(i));
        assertEquals(expectedSkipped, result.skippedTooLong());
        assertEquals(expectedSkipped.size(), result.skippedCount());
        assertEquals(examples.size() - expectedSkipped.size(), result.generated().size());
        for (GeneratedSql g : result.generated()) {
            assertFalse(expectedSkipped.contains(g.example()));
            assertTrue(g.promptTokens().length <= limit);
        }
    }

    @Test
    void progressIsReportedAfterEachBatch() {
        List<int[]> calls = new ArrayList<>();
        SqlGenerator generator = new SqlGenerator(tiny.model(), tiny.tokenizer(), tiny.prompts(), 4096, 3,
                (done, total, tokens) -> calls.add(new int[] {done, total, (int) tokens}));
        generator.generate(dataset, examples, SamplingParams.greedy(2, List.of()), false);
        assertEquals(2, calls.size());
        assertArrayEquals(new int[] {3, 4, 6}, calls.get(0));
        assertArrayEquals(new int[] {4, 4, 8}, calls.get(1));
    }
}
