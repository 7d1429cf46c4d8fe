package dev.sqlrl.perf;

import dev.sqlrl.DurableFiles;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import dev.sqlrl.demo.company.CompanyDataset;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.model.init.ModelInitializer;
import dev.sqlrl.model.init.ModelSize;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import dev.sqlrl.serve.ApiJson;
import dev.sqlrl.serve.DatabaseCatalog;
import dev.sqlrl.serve.ServeLoadRun;
import dev.sqlrl.serve.ServeMetrics;
import dev.sqlrl.serve.ServeSettings;
import dev.sqlrl.serve.ServedModel;
import dev.sqlrl.serve.SqlServer;
import dev.sqlrl.train.PromptSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * `sqlrl bench serve`'s scenario: the demo's company data and a tiny random model made in a temporary folder (removed
 * afterwards), served on loopback; at each client count, closed-loop clients post the dev questions with batching off
 * (one prompt per generate call) and on, one server each, after a short warm-up.
 */
public final class ServeScenario {
    /** generate_sql (questions with their schema, answers not executed) or chat (the question alone, greedy). */
    public record Settings(String route, List<Integer> clients, int requests, int maxBatch, int maxNewTokens) {}

    /** One level: its load run and the mean prompts per native generate call (from the server's metrics). */
    public record Level(int maxBatch, ServeLoadRun.Result result, double meanBatchPrompts) {}

    private ServeScenario() {}

    public static List<Level> run(Settings s, Consumer<String> progress) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("sqlrl-bench-serve");
        try {
            progress.accept("making the company data and a tiny model in " + dir);
            CompanyDataset.Written data = CompanyDataset.write(dir.resolve("data"), 7);
            Path modelDir = dir.resolve("model");
            ModelInitializer.create(new ModelInitializer.Options(ModelConfig.Architecture.QWEN2, ModelSize.TINY, modelDir,
                    data.tokenizerCorpus(), 0, 7));
            PromptSettings prompts = PromptSettings.defaults().withMaxNewTokens(s.maxNewTokens());
            List<String> bodies = requestBodies(dir.resolve("data"), s.route(), s.maxNewTokens());
            String path = s.route().equals("chat") ? "v1/chat/completions" : "v1/generate_sql";
            NativeModel model = ModelLoader.load(modelDir, WeightMode.FP32, Device.CPU);
            List<Level> levels = new ArrayList<>();
            try (ServedModel served = ServedModel.of("tiny", model, TextTokenizer.load(modelDir, model.config().vocabSize()),
                    modelDir, prompts)) {
                DatabaseCatalog catalog = DatabaseCatalog.load(dir.resolve("data"), CompanyDataset.TEST_SPLIT, Map.of(),
                        prompts.serializer());
                for (int clients : s.clients()) {
                    for (int batch : new int[] {1, s.maxBatch()}) {
                        ServeSettings d = ServeSettings.defaults();
                        ServeSettings settings = new ServeSettings(d.host(), 0, batch, d.batchWindowMillis(), 1024, 600_000,
                                d.maxBodyBytes(), d.maxQuestionChars(), d.maxSamples(), s.maxNewTokens(), d.sandbox(), null);
                        try (SqlServer server = SqlServer.start(settings, served, catalog, new PrintStream(System.err, true))) {
                            int warmUp = Math.min(clients, 4);
                            ServeLoadRun.run(server.url() + path, bodies, warmUp, warmUp);
                            ServeMetrics.BatchTotals before = server.metrics().batchTotals();
                            ServeLoadRun.Result r = ServeLoadRun.run(server.url() + path, bodies, clients, s.requests());
                            ServeMetrics.BatchTotals after = server.metrics().batchTotals();
                            double meanBatch = (after.prompts() - before.prompts()) / Math.max(1, after.calls() - before.calls());
                            levels.add(new Level(batch, r, meanBatch));
                            progress.accept(String.format(java.util.Locale.ROOT, "%d clients, batching %s: %.2f requests/s",
                                    clients, batch == 1 ? "off" : "on", r.requestsPerSecond()));
                        }
                    }
                }
            }
            return levels;
        } finally {
            DurableFiles.deleteRecursively(dir);
        }
    }

    private static List<String> requestBodies(Path dataDir, String route, int maxNewTokens) {
        Dataset dev = DatasetLoader.load(dataDir, CompanyDataset.TEST_SPLIT);
        List<String> bodies = new ArrayList<>();
        for (Example e : dev.examples()) {
            bodies.add(ApiJson.write(route.equals("chat")
                    ? Map.of("messages", List.of(Map.of("role", "user", "content", e.question())), "temperature", 0,
                            "max_tokens", maxNewTokens)
                    : Map.of("db_id", e.dbId(), "question", e.question(), "execute", false)));
        }
        return bodies;
    }
}
