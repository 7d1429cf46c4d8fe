package dev.sqlrl.serve;

import static dev.sqlrl.serve.ServeFixture.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.data.SqliteSchemaReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API over HTTP on loopback, with the tiny model and the company database. */
class ServeApiTest {
    @TempDir
    static Path dir;

    private static ServeFixture serve;

    @BeforeAll
    static void start() {
        serve = ServeFixture.start(dir);
    }

    @AfterAll
    static void stop() {
        if (serve != null) serve.close();
    }

    @Test
    void healthAndDatabases() {
        assertEquals("ok", expect(200, serve.get("/health")).get("status").asText());
        JsonNode list = expect(200, serve.get("/v1/databases")).get("databases");
        assertEquals(1, list.size());
        assertEquals("company", list.get(0).get("id").asText());
        assertEquals(4, list.get(0).get("tables").asInt());
        assertTrue(list.get(0).get("sample_questions").size() > 0);

        JsonNode company = expect(200, serve.get("/v1/databases/company"));
        assertEquals(List.of("companies", "staff", "projects", "contracts"),
                names(company.get("tables")));
        JsonNode staff = company.get("tables").get(1);
        assertEquals("salary", staff.get("columns").get(3).get("name").asText());
        assertEquals("id", staff.get("primary_key").get(0).asText());
        assertEquals("companies", company.get("foreign_keys").get(0).get("to_table").asText());
        // the DDL is what the prompt shows the model
        assertTrue(company.get("ddl").asText().contains("CREATE TABLE staff"), company.get("ddl").asText());
        assertEquals("unknown_database", expect(404, serve.get("/v1/databases/nope")).get("error").get("code").asText());
    }

    @Test
    void generateSqlAnswersWithTheValidationVerdictAndTimings() {
        JsonNode answer = expect(200, serve.post("/v1/generate_sql",
                "{\"db_id\": \"company\", \"question\": \"How many staff are there?\"}"));
        assertTrue(answer.has("sql") && answer.has("answer"), answer.toString());
        double confidence = answer.get("confidence").asDouble();
        assertTrue(confidence > 0 && confidence <= 1, answer.toString());
        assertEquals(!answer.get("valid").asBoolean(), answer.get("problems").size() > 0, answer.toString());
        for (String part : List.of("queue", "generate", "execute")) {
            assertTrue(answer.get("timing_ms").get(part).asDouble() >= 0, answer.toString());
        }
        assertTrue(answer.get("timing_ms").get("generate").asDouble() > 0, answer.toString());
    }

    @Test
    void votedSamplesGiveTheVoteShareAsConfidence() {
        JsonNode answer = expect(200, serve.post("/v1/generate_sql",
                "{\"db_id\": \"company\", \"question\": \"List the cities.\", \"num_samples\": 4, \"execute\": false}"));
        double confidence = answer.get("confidence").asDouble();
        // a vote share of 4 samples: 0 (none ran), 1/4, 2/4, 3/4 or 1
        assertEquals(0, (confidence * 4) % 1, 1e-9, answer.toString());
        assertFalse(answer.has("rows"), answer.toString());
    }

    @Test
    void executeRunsValidSqlAndRefusesTheRest() {
        JsonNode rows = expect(200, serve.post("/v1/execute",
                "{\"db_id\": \"company\", \"sql\": \"SELECT name, city FROM companies ORDER BY id\", \"max_rows\": 2}"));
        assertEquals(List.of("name", "city"), texts(rows.get("columns")));
        assertEquals(2, rows.get("rows").size());
        assertTrue(rows.get("truncated").asBoolean());

        JsonNode delete = expect(400, serve.post("/v1/execute", "{\"db_id\": \"company\", \"sql\": \"DELETE FROM staff\"}"));
        assertEquals("invalid_sql", delete.get("error").get("code").asText());
        assertTrue(delete.get("error").get("problems").get(0).asText().startsWith("DELETE statements are not allowed"), delete.toString());

        JsonNode unknown = expect(400, serve.post("/v1/execute", "{\"db_id\": \"company\", \"sql\": \"SELECT wage FROM staff\"}"));
        assertEquals("unknown column 'wage' (not in staff)", unknown.get("error").get("problems").get(0).asText());

        JsonNode slow = expect(422, serve.post("/v1/execute", "{\"db_id\": \"company\", \"sql\": "
                + "\"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n\"}"));
        assertEquals("execution_failed", slow.get("error").get("code").asText());
    }

    @Test
    void callersMistakesAre4xxWithOneLineErrors() {
        assertError(400, "unknown_field", serve.post("/v1/execute", "{\"db_id\": \"company\", \"sql\": \"SELECT 1\", \"path\": \"/etc/passwd\"}"));
        assertError(400, "invalid_request", serve.post("/v1/execute", "{\"db_id\": \"company\""));
        assertError(400, "invalid_request", serve.post("/v1/execute", "[1, 2]"));
        assertError(400, "invalid_request", serve.post("/v1/execute", ""));
        assertError(400, "invalid_request", serve.post("/v1/generate_sql", "{\"db_id\": \"company\"}"));
        assertError(400, "invalid_request", serve.post("/v1/generate_sql",
                "{\"db_id\": \"company\", \"question\": \"" + "why ".repeat(600) + "\"}"));
        assertError(400, "invalid_request", serve.post("/v1/generate_sql",
                "{\"db_id\": \"company\", \"question\": \"q\", \"num_samples\": 99}"));
        assertError(400, "invalid_request", serve.post("/v1/execute", "{\"db_id\": \"company\", \"sql\": \"SELECT 1\", \"max_rows\": 0}"));
        assertError(404, "unknown_database", serve.post("/v1/execute", "{\"db_id\": \"../../etc/passwd\", \"sql\": \"SELECT 1\"}"));
        assertError(404, "not_found", serve.get("/v1/nothing"));
        HttpResponse<String> huge = serve.post("/v1/execute", "{\"db_id\": \"company\", \"sql\": \"SELECT '"
                + "x".repeat(100_000) + "'\"}");
        assertEquals(413, huge.statusCode(), huge.body());
    }

    @Test
    void metricsCountRequestsBatchesAndTokens() {
        expect(200, serve.get("/health"));
        expect(200, serve.post("/v1/generate_sql", "{\"db_id\": \"company\", \"question\": \"Which projects are active?\"}"));
        HttpResponse<String> metrics = serve.get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = metrics.body();
        for (String expected : List.of("sqlrl_http_requests_total{route=\"/health\",status=\"200\"}",
                "sqlrl_http_request_duration_seconds_bucket{route=\"/v1/generate_sql\"", "sqlrl_generation_batch_prompts_count",
                "sqlrl_generation_queue_depth", "sqlrl_generated_tokens_total", "sqlrl_generation_tokens_per_second")) {
            assertTrue(text.contains(expected), expected + " missing from:\n" + text);
        }
    }

    @Test
    void chatCompletionsAnswerLikeOpenAi() {
        JsonNode chat = expect(200, serve.post("/v1/chat/completions", "{\"model\": \"tiny\", \"messages\": ["
                + "{\"role\": \"system\", \"content\": \"You write SQL.\"}, {\"role\": \"user\", \"content\": \"Count staff.\"}],"
                + " \"temperature\": 0, \"max_tokens\": 5}"));
        assertEquals("chat.completion", chat.get("object").asText());
        assertEquals("assistant", chat.get("choices").get(0).get("message").get("role").asText());
        assertTrue(chat.get("usage").get("completion_tokens").asInt() <= 5);
        assertTrue(List.of("stop", "length").contains(chat.get("choices").get(0).get("finish_reason").asText()));

        JsonNode two = expect(200, serve.post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"n\": 2, \"temperature\": 0.8, \"top_p\": 0.9, \"seed\": 3, \"stop\": [\"\\n\"]}"));
        assertEquals(2, two.get("choices").size());
        assertFalse(two.get("choices").get(1).get("message").get("content").asText().contains("\n"));

        HttpResponse<String> stream = serve.post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"temperature\": 0, \"stream\": true}");
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = stream.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertEquals("[DONE]", events.getLast());
        StringBuilder streamed = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = ServeFixture.parse(event);
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            JsonNode delta = chunk.get("choices").get(0).get("delta");
            if (delta.has("content")) streamed.append(delta.get("content").asText());
        }
        JsonNode greedy = expect(200, serve.post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"temperature\": 0}"));
        assertEquals(greedy.get("choices").get(0).get("message").get("content").asText(), streamed.toString());

        assertError(400, "unknown_field", serve.post("/v1/chat/completions",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"logit_bias\": {}}"));
        assertError(400, "invalid_request", serve.post("/v1/chat/completions", "{\"messages\": []}"));
        assertError(400, "invalid_request", serve.post("/v1/chat/completions",
                "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}"));
    }

    @Test
    void anApiKeyGuardsEveryRouteButHealthAndThePage(@TempDir Path other) {
        ServeSettings keyed = ServeFixture.settings().withApiKey("0123456789abcdef-key");
        try (ServeFixture guarded = ServeFixture.start(other, keyed)) {
            assertEquals(200, guarded.get("/health").statusCode());
            assertEquals(200, guarded.get("/").statusCode());
            assertError(401, "unauthorized", guarded.get("/v1/databases"));
            assertEquals(401, guarded.get("/metrics").statusCode());
            HttpResponse<String> wrong = guarded.send(HttpRequest.newBuilder(URI.create(guarded.url("/v1/databases")))
                    .header("Authorization", "Bearer 0123456789abcdef-kez").GET().build());
            assertEquals(401, wrong.statusCode());
            HttpResponse<String> right = guarded.send(HttpRequest.newBuilder(URI.create(guarded.url("/v1/databases")))
                    .header("Authorization", "Bearer 0123456789abcdef-key").GET().build());
            assertEquals(200, right.statusCode());
        }
    }

    @Test
    void thePageAndItsHighlighterShipInTheJar() {
        HttpResponse<String> page = serve.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>sqlrl serve</title>"));
        for (String asset : List.of("/app.js", "/app.css", "/webjars/highlightjs/11.10.0/highlight.min.js",
                "/webjars/highlightjs/11.10.0/languages/sql.min.js", "/webjars/highlightjs/11.10.0/styles/github.min.css")) {
            assertTrue(page.body().contains(asset), asset);
            assertEquals(200, serve.get(asset).statusCode(), asset);
        }
    }

    @Test
    void databasesFromDataAndSingleFilesAreServedById() {
        var catalog = DatabaseCatalog.load(null, "dev", java.util.Map.of("mine", serve.database()),
                dev.sqlrl.train.PromptSettings.defaults().serializer());
        assertEquals(SqliteSchemaReader.read("mine", serve.database()), catalog.get("mine").schema());
        assertTrue(catalog.get("mine").sampleQuestions().isEmpty());
    }

    private static void assertError(int status, String code, HttpResponse<String> response) {
        JsonNode body = expect(status, response);
        assertEquals(code, body.get("error").get("code").asText(), response.body());
        assertFalse(body.get("error").get("message").asText().isBlank());
        assertFalse(response.body().contains("\tat "), "stack trace in " + response.body());
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get("name").asText()));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
