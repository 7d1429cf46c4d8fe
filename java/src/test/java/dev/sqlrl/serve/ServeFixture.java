package dev.sqlrl.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.demo.company.CompanyDataset;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import dev.sqlrl.train.PromptSettings;
import dev.sqlrl.train.TinyTrainingSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A server on a free loopback port with the demo's company data (served from --data, split dev) and a tiny random
 * model made for it, and an HTTP client for it. The model answers nonsense, which is what a test of the serving
 * machinery needs: every answer exercises the validation layer.
 */
public final class ServeFixture implements AutoCloseable {
    /** Short answers keep the CPU tests fast. */
    static final int MAX_NEW_TOKENS = 12;

    private final ServedModel model;
    final SqlServer server;
    final Path dataDir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServeFixture(ServedModel model, SqlServer server, Path dataDir) {
        this.model = model;
        this.server = server;
        this.dataDir = dataDir;
    }

    static ServeSettings settings() {
        return new ServeSettings("127.0.0.1", 0, 32, 10, 256, 30_000, 64 << 10, 2_000, 8, MAX_NEW_TOKENS,
                ServeSettings.defaults().sandbox().withTimeoutMillis(1_000), null);
    }

    static ServeFixture start(Path dir) {
        return start(dir, settings());
    }

    static ServeFixture start(Path dir, ServeSettings settings) {
        return start(dir, settings, Map.of());
    }

    /** With single database files served by id next to the company data. */
    static ServeFixture start(Path dir, ServeSettings settings, Map<String, Path> files) {
        NativeTests.assumeNative();
        TinyTrainingSetup setup = TinyTrainingSetup.create(dir);
        NativeModel native_ = ModelLoader.load(setup.modelDir(), WeightMode.FP32, Device.CPU);
        TextTokenizer tokenizer = TextTokenizer.load(setup.modelDir(), native_.config().vocabSize());
        PromptSettings prompts = PromptSettings.defaults().withMaxNewTokens(MAX_NEW_TOKENS);
        ServedModel model = ServedModel.of("tiny", native_, tokenizer, setup.modelDir(), prompts);
        Path data = dir.resolve("data");
        DatabaseCatalog catalog = DatabaseCatalog.load(data, CompanyDataset.TEST_SPLIT, files, prompts.serializer());
        return new ServeFixture(model, SqlServer.start(settings, model, catalog, System.err), data);
    }

    Path database() {
        return dataDir.resolve(CompanyDataset.DATABASE_FILE);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
    }

    HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        return parse(response.body());
    }

    static JsonNode parse(String text) {
        try {
            return ApiJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /** The JSON of a response that must have the given status. */
    static JsonNode expect(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        return json(response);
    }

    @Override
    public void close() {
        server.close();
        model.close();
    }
}
