package dev.sqlrl.cli;

import dev.sqlrl.model.NativeRuntime;
import dev.sqlrl.perf.ServeScenario;
import dev.sqlrl.serve.ApiJson;
import dev.sqlrl.serve.ServeLoadRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `sqlrl bench serve`: requests/s and latency of POST /v1/generate_sql at several client counts, with batching on
 * and off, side by side in one run, on a tiny random model and the demo's company data made in a temporary folder.
 */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl bench serve --clients 1,8,32 --requests 64",
        "  sqlrl bench serve --route chat"},
        name = "serve", mixinStandardHelpOptions = true,
        description = "Throughput and latency of `sqlrl serve` (tiny random model, CPU, company data): requests/s, p50 and"
                + " p99 of /v1/generate_sql at each client count, with batching off (one prompt per generate call) and on.")
public final class BenchServeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--clients", split = ",", defaultValue = "1,8,32", paramLabel = "N",
            description = "Concurrent clients of each level (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--requests", defaultValue = "64", paramLabel = "N",
            description = "Requests per level (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--max-batch", defaultValue = "32", paramLabel = "N",
            description = "Prompts per generate call with batching on (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-new-tokens", defaultValue = "32", paramLabel = "N",
            description = "Tokens generated per answer (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--route", defaultValue = "generate_sql", paramLabel = "ROUTE",
            description = "generate_sql: the dev questions with their schema (prompts of ~550 tokens); chat: the same"
                    + " questions alone through /v1/chat/completions (prompts of ~20 tokens) (default: ${DEFAULT-VALUE}).")
    String route;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "CPU threads for native math; 0 is the library default (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--json", description = "Print one JSON line per measurement instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!route.equals("generate_sql") && !route.equals("chat")) {
            throw new dev.sqlrl.UserInputException("--route must be generate_sql or chat, got '" + route + "'");
        }
        if (requests < 1 || maxBatch < 1 || maxNewTokens < 1 || clients.stream().anyMatch(c -> c < 1)) {
            throw new dev.sqlrl.UserInputException("--requests, --max-batch, --max-new-tokens and --clients must be at least 1");
        }
        if (threads > 0) NativeRuntime.setThreads(threads);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ServeScenario.Level level : ServeScenario.run(new ServeScenario.Settings(route, clients, requests, maxBatch,
                maxNewTokens), line -> {
                    err.println("bench serve: " + line);
                    err.flush();
                })) {
            rows.add(row(level.maxBatch() == 1 ? "off" : "on (" + level.maxBatch() + ")", level.result(),
                    level.meanBatchPrompts()));
        }
        print(out, rows);
        return 0;
    }

    private static Map<String, Object> row(String batching, ServeLoadRun.Result r, double meanBatch) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("clients", r.clients());
        row.put("batching", batching);
        row.put("requests", r.requests());
        row.put("errors", r.errors());
        row.put("requests_per_s", round(r.requestsPerSecond()));
        row.put("p50_ms", round(r.p50Millis()));
        row.put("p99_ms", round(r.p99Millis()));
        row.put("mean_batch_prompts", round(meanBatch));
        return row;
    }

    private void print(PrintWriter out, List<Map<String, Object>> rows) {
        if (json) {
            rows.forEach(r -> out.println(ApiJson.write(r)));
        } else {
            out.println("| clients | batching | requests | errors | requests/s | p50 ms | p99 ms | prompts per generate call |");
            out.println("|--------:|----------|---------:|-------:|-----------:|-------:|-------:|------:|");
            for (Map<String, Object> r : rows) {
                out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %.0f | %.0f | %.1f |%n", r.get("clients"), r.get("batching"),
                        r.get("requests"), r.get("errors"), (Double) r.get("requests_per_s"), (Double) r.get("p50_ms"),
                        (Double) r.get("p99_ms"), (Double) r.get("mean_batch_prompts"));
            }
        }
        out.flush();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
