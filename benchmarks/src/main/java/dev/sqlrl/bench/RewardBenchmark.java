package dev.sqlrl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.data.AnswerFormat;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import dev.sqlrl.reward.RewardBreakdown;
import dev.sqlrl.reward.RewardConfig;
import dev.sqlrl.reward.SqlRewardFunction;
import dev.sqlrl.sql.ExecutionMatch;
import dev.sqlrl.sql.MatchOptions;
import dev.sqlrl.sql.SandboxLimits;
import dev.sqlrl.sql.SqlSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reward throughput (completions scored per second) over the Spider sample's 18 databases, using
 * the 8,604 (gold, prediction) pairs of official_labels.jsonl as completions: correct, equivalent,
 * wrong, other-question and broken SQL, each in a ```sql fence.
 *
 * <p>Warm: one reward function whose caches have seen every pair (what repeated samples in GRPO
 * groups and later epochs cost). Cold: caches sized 0, so every completion is extracted, parsed,
 * matched clause by clause and executed with its gold (the cost of a never-seen query).
 * {@code isolation}: queries in sandbox worker processes (what training runs) or in this JVM, side by
 * side, to show what isolation costs.
 * Run: {@code java -Dsqlrl.shared.dir=/work/shared -jar benchmarks/target/sqlrl-benchmarks.jar RewardBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RewardBenchmark {

    /** The completions and their examples, shared by both cache states. */
    static List<Example> examples = new ArrayList<>();
    static List<String> completions = new ArrayList<>();

    static synchronized void loadPairs() throws IOException {
        if (!examples.isEmpty()) {
            return;
        }
        Path sample = Path.of(System.getProperty("sqlrl.shared.dir", "../shared"), "spider-sample");
        if (!Files.isRegularFile(sample.resolve("official_labels.jsonl"))) {
            throw new IllegalStateException("Spider sample not found at " + sample + ": pass -Dsqlrl.shared.dir=DIR");
        }
        ObjectMapper mapper = new ObjectMapper();
        for (String line : Files.readAllLines(sample.resolve("official_labels.jsonl"))) {
            JsonNode label = mapper.readTree(line);
            String dbId = label.get("db_id").asText();
            examples.add(new Example("pair-" + examples.size(), label.get("question").asText(), label.get("gold").asText(),
                    dbId, sample.resolve("database").resolve(dbId).resolve(dbId + ".sqlite"), null, null));
            completions.add("```sql\n" + label.get("pred").asText() + "\n```");
        }
    }

    /** A reward function over the Spider sample with the given cache sizes. */
    public abstract static class RewardState {
        SqlSandbox sandbox;
        ExecutionMatch executionMatch;
        SqlRewardFunction rewards;
        final AtomicInteger next = new AtomicInteger();

        void open(int cacheEntries, SqlSandbox.Isolation isolation) throws IOException {
            loadPairs();
            Dataset dataset = DatasetLoader.load(Path.of(System.getProperty("sqlrl.shared.dir", "../shared"), "spider-sample"),
                    "train");
            sandbox = new SqlSandbox(SandboxLimits.defaults(), Math.max(2, Runtime.getRuntime().availableProcessors()), isolation);
            executionMatch = new ExecutionMatch(sandbox, MatchOptions.spiderOfficial().withThreads(1)
                    .withCacheEntries(cacheEntries, cacheEntries));
            rewards = new SqlRewardFunction(RewardConfig.defaults().withCacheEntries(cacheEntries), AnswerFormat.SQL_FENCE,
                    dataset::schemaOf, executionMatch);
        }

        RewardBreakdown scoreNext() {
            int i = Math.floorMod(next.getAndIncrement(), examples.size());
            return rewards.score(completions.get(i), examples.get(i));
        }

        @TearDown(Level.Trial)
        public void close() {
            executionMatch.close();
            sandbox.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Warm extends RewardState {
        @Param({"WORKER_PROCESSES", "IN_PROCESS"})
        public SqlSandbox.Isolation isolation;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open(100_000, isolation);
            for (int i = 0; i < examples.size(); i++) {
                scoreNext();
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Cold extends RewardState {
        @Param({"WORKER_PROCESSES", "IN_PROCESS"})
        public SqlSandbox.Isolation isolation;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open(0, isolation);
        }
    }

    @Benchmark
    @Threads(1)
    public RewardBreakdown warmCache1Thread(Warm state) {
        return state.scoreNext();
    }

    @Benchmark
    @Threads(2)
    public RewardBreakdown warmCache2Threads(Warm state) {
        return state.scoreNext();
    }

    @Benchmark
    @Threads(1)
    public RewardBreakdown coldCache1Thread(Cold state) {
        return state.scoreNext();
    }

    @Benchmark
    @Threads(2)
    public RewardBreakdown coldCache2Threads(Cold state) {
        return state.scoreNext();
    }
}
