package dev.sqlrl.cli;

import dev.sqlrl.UserInputException;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import dev.sqlrl.serve.ApiKeyFilter;
import dev.sqlrl.serve.DatabaseCatalog;
import dev.sqlrl.serve.ServeSettings;
import dev.sqlrl.serve.ServedModel;
import dev.sqlrl.serve.SqlServer;
import dev.sqlrl.train.PromptSettings;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `sqlrl serve`: the model and the databases behind an HTTP API and a web page, until SIGINT/SIGTERM. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl serve --model runs/demo-X/model --adapter runs/demo-X/grpo/checkpoints/step-000100/adapter --data runs/demo-X/data",
        "  curl -s localhost:8080/v1/generate_sql -d '{\"db_id\": \"company\", \"question\": \"How many staff are there?\"}'"},
        name = "serve", mixinStandardHelpOptions = true,
        description = {
            "Serves a model (optionally with a LoRA adapter) over HTTP: POST /v1/generate_sql, /v1/execute,"
                    + " /v1/chat/completions (OpenAI-compatible), GET /v1/databases, /health, /metrics, and a web page at /.",
            "Prompts are built as the adapter's training run built them. Concurrent requests are batched into one"
                    + " generate call. Stops cleanly on SIGINT/SIGTERM."
        })
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    PromptSettingsOptions promptOptions;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Dataset folder (Spider, BIRD or <split>.jsonl layout): every database of it is served, and its"
                    + " split's questions are the page's samples (default: none; then --db is needed).")
    Path data;

    @Option(names = "--split", defaultValue = "dev", paramLabel = "NAME",
            description = "The --data split for sample questions (and, for JSONL, the databases) (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--db", paramLabel = "ID=PATH",
            description = "A single SQLite file served under an id; repeatable (default: none).")
    Map<String, Path> databases = new LinkedHashMap<>();

    @Option(names = "--host", defaultValue = ServeSettings.DEFAULT_HOST, paramLabel = "ADDR",
            description = "Address to bind; any but a loopback address needs --api-key-file (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "File whose first line is the Bearer token every API route needs (default: none, no key).")
    Path apiKeyFile;

    @Option(names = "--max-batch", defaultValue = "32", paramLabel = "N",
            description = "Prompts generated together in one call; 1 turns batching off (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--batch-window-ms", defaultValue = "10", paramLabel = "MS",
            description = "How long to wait for more requests to batch with the first (default: ${DEFAULT-VALUE}).")
    long batchWindowMs;

    @Option(names = "--queue", defaultValue = "256", paramLabel = "N",
            description = "Requests that may wait for generation; more get 503 with Retry-After (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--timeout-ms", defaultValue = "60000", paramLabel = "MS",
            description = "A request's deadline for generation, waiting included; past it, 504 (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--sql-timeout-ms", defaultValue = "5000", paramLabel = "MS",
            description = "Deadline of one SQL run in the sandbox (default: ${DEFAULT-VALUE}).")
    long sqlTimeoutMs;

    @Override
    public Integer call() {
        promptOptions.check();
        PromptSettings prompts = promptOptions.resolve(modelOptions.adapter);
        ServeSettings settings = settings(prompts.maxNewTokens());
        DatabaseCatalog catalog = DatabaseCatalog.load(data, split, databases, prompts.serializer());
        PrintWriter out = spec.commandLine().getOut();
        NativeModel model = modelOptions.load();
        TextTokenizer tokenizer;
        try {
            tokenizer = TextTokenizer.load(modelOptions.model, model.config().vocabSize());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (ServedModel served = ServedModel.of(modelName(), model, tokenizer, modelOptions.model, prompts);
             SqlServer server = SqlServer.start(settings, served, catalog, System.err)) {
            // SIGINT/SIGTERM release the main thread, which closes the server and returns 0 (a shutdown hook alone
            // would leave the JVM's exit status at 130/143).
            for (String signal : new String[] {"INT", "TERM"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.countDown());
            }
            out.println("sqlrl serve: " + catalog.all().size() + " database(s), prompts from " + prompts.source());
            out.println("sqlrl serve: listening on " + server.url());
            out.flush();
            stop.await();
            out.println("sqlrl serve: stopping (finishing in-flight requests)");
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("sqlrl serve: stopped");
        out.flush();
        return 0;
    }

    private ServeSettings settings(int newTokens) {
        if (port < 0 || port > 65535) throw new UserInputException("--port must be between 0 and 65535, got " + port);
        if (maxBatch < 1) throw new UserInputException("--max-batch must be at least 1, got " + maxBatch);
        if (batchWindowMs < 0) throw new UserInputException("--batch-window-ms must be 0 or more, got " + batchWindowMs);
        if (queue < 1) throw new UserInputException("--queue must be at least 1, got " + queue);
        if (timeoutMs < 1) throw new UserInputException("--timeout-ms must be at least 1, got " + timeoutMs);
        if (sqlTimeoutMs < 1) throw new UserInputException("--sql-timeout-ms must be at least 1, got " + sqlTimeoutMs);
        if (newTokens < 1) throw new UserInputException("--max-new-tokens must be at least 1, got " + newTokens);
        String key = apiKeyFile == null ? null : ApiKeyFilter.readKeyFile(apiKeyFile);
        if (key == null && !isLoopback(host)) {
            throw new UserInputException("--host " + host + " is reachable from other machines: give --api-key-file too");
        }
        ServeSettings d = ServeSettings.defaults();
        return new ServeSettings(host, port, maxBatch, batchWindowMs, queue, timeoutMs, d.maxBodyBytes(), d.maxQuestionChars(),
                d.maxSamples(), newTokens, d.sandbox().withTimeoutMillis(sqlTimeoutMs), key);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new UserInputException("--host " + host + ": unknown host");
        }
    }

    private String modelName() {
        Path name = (modelOptions.adapter != null ? modelOptions.adapter : modelOptions.model).toAbsolutePath().normalize();
        return name.getFileName() == null ? "sqlrl" : name.getFileName().toString();
    }
}
