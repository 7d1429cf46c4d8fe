package dev.sqlrl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.sql.ExecutionMatch;
import dev.sqlrl.sql.MatchOptions;
import dev.sqlrl.sql.MatchOutcome;
import dev.sqlrl.sql.MatchRequest;
import dev.sqlrl.sql.SandboxLimits;
import dev.sqlrl.sql.SqlSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Execution-match throughput over the Spider sample: (gold, prediction) pairs scored per second,
 * each pair being two sandboxed queries and a Spider comparison. "cold" keeps no results (every
 * query runs in SQLite; connections stay pooled), "warm" serves repeated queries from the caches.
 * Finds the sample through -Dsqlrl.shared.dir (default ../shared).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SqlExecutionBenchmark {

    /** Every 8th labelled pair: about a thousand pairs over all 18 databases and every variant. */
    static final int BATCH = 1_076;

    @Param({"cold", "warm"})
    public String cache;

    @Param({"1", "2"})
    public int threads;

    /** Sandbox worker processes (the default everywhere) or this JVM: what isolation costs per query. */
    @Param({"WORKER_PROCESSES", "IN_PROCESS"})
    public SqlSandbox.Isolation isolation;

    private List<MatchRequest> requests;
    private SqlSandbox sandbox;
    private ExecutionMatch matcher;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path sample = Path.of(System.getProperty("sqlrl.shared.dir", "../shared"), "spider-sample");
        if (!Files.isRegularFile(sample.resolve("official_labels.jsonl"))) {
            throw new IllegalStateException("Spider sample not found under " + sample.toAbsolutePath() + "; set -Dsqlrl.shared.dir");
        }
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = Files.readAllLines(sample.resolve("official_labels.jsonl"));
        requests = new ArrayList<>();
        for (int i = 0; i < lines.size() && requests.size() < BATCH; i += 8) {
            JsonNode label = mapper.readTree(lines.get(i));
            String db = label.get("db_id").asText();
            requests.add(new MatchRequest(sample.resolve("database").resolve(db).resolve(db + ".sqlite"),
                    label.get("gold").asText(), label.get("pred").asText()));
        }
        if (requests.size() != BATCH) throw new IllegalStateException("expected " + BATCH + " pairs, found " + requests.size());
        sandbox = new SqlSandbox(SandboxLimits.defaults(), threads, isolation);
        int entries = cache.equals("warm") ? 100_000 : 0;
        matcher = new ExecutionMatch(sandbox, MatchOptions.spiderOfficial().withThreads(threads).withCacheEntries(entries, entries));
        matcher.matchAll(requests); // opens the pooled connections (and fills the caches when warm)
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        matcher.close();
        sandbox.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int scorePairs() {
        int matches = 0;
        for (MatchOutcome outcome : matcher.matchAll(requests)) {
            if (outcome.match()) matches++;
        }
        return matches;
    }
}
