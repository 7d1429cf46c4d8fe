package dev.sqlrl.bench;

import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.init.ModelInitializer;
import dev.sqlrl.model.init.ModelSize;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tokenizer's share of a step: encoding a Spider-style prompt (schema DDL + question, ~2 KB) and
 * decoding a sampled completion back to text (done for every one of a GRPO step's completions before
 * the reward). The tokenizer is the byte-level BPE that `sqlrl init-model` trains, loaded through DJL's
 * HuggingFaceTokenizer (Rust tokenizers), as a real model's tokenizer.json is.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TokenizerBenchmark {
    private static final String PROMPT = """
            CREATE TABLE singer (
              singer_id INTEGER PRIMARY KEY,
              name TEXT, country TEXT, song_name TEXT, song_release_year TEXT, age INTEGER, is_male BOOLEAN
            );
            CREATE TABLE concert (
              concert_id INTEGER PRIMARY KEY,
              concert_name TEXT, theme TEXT, stadium_id TEXT, year TEXT,
              FOREIGN KEY (stadium_id) REFERENCES stadium (stadium_id)
            );
            CREATE TABLE stadium (
              stadium_id INTEGER PRIMARY KEY,
              location TEXT, name TEXT, capacity INTEGER, highest INTEGER, lowest INTEGER, average INTEGER
            );
            CREATE TABLE singer_in_concert (
              concert_id INTEGER, singer_id TEXT,
              FOREIGN KEY (concert_id) REFERENCES concert (concert_id),
              FOREIGN KEY (singer_id) REFERENCES singer (singer_id)
            );
            -- Question: What are the names of the stadiums that had concerts in both 2014 and 2015,
            -- ordered by their capacity from the largest, together with the number of concerts held?
            """.repeat(2);
    private static final String COMPLETION = """
            ```sql
            SELECT T2.name, count(*) FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id
            WHERE T1.year = 2014 INTERSECT SELECT T2.name, count(*) FROM concert AS T1 JOIN stadium AS T2
            ON T1.stadium_id = T2.stadium_id WHERE T1.year = 2015 GROUP BY T2.name ORDER BY T2.capacity DESC
            ```""";

    private Path modelDir;
    private TextTokenizer tokenizer;
    private int[] completionIds;

    @Setup
    public void setUp() throws IOException {
        modelDir = Files.createTempDirectory("sqlrl-tokenizer-bench").resolve("model");
        // The built-in corpus (English questions and SQL) and the tiny size's default vocabulary.
        ModelConfig config = ModelInitializer.create(new ModelInitializer.Options(ModelConfig.Architecture.QWEN2,
                ModelSize.TINY, modelDir, null, 0, 1));
        tokenizer = TextTokenizer.load(modelDir, config.vocabSize());
        completionIds = tokenizer.encode(COMPLETION);
        System.out.printf("%nprompt: %d chars -> %d tokens; completion: %d chars -> %d tokens%n", PROMPT.length(),
                tokenizer.encode(PROMPT).length, COMPLETION.length(), completionIds.length);
    }

    @TearDown
    public void tearDown() throws IOException {
        tokenizer.close();
        try (Stream<Path> files = Files.walk(modelDir.getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public int[] encodePrompt() {
        return tokenizer.encode(PROMPT);
    }

    @Benchmark
    public String decodeCompletion() {
        return tokenizer.decode(completionIds, true);
    }
}
