package dev.sqlrl.serve;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON routes: what each one reads and answers. Errors are thrown and mapped by {@link SqlServer}. */
final class ApiRoutes {
    private final DatabaseCatalog catalog;
    private final SqlAnswerer answerer;
    private final SqlRunner runner;
    private final ChatCompleter chat;
    private final ServeMetrics metrics;

    ApiRoutes(DatabaseCatalog catalog, SqlAnswerer answerer, SqlRunner runner, ChatCompleter chat, ServeMetrics metrics) {
        this.catalog = catalog;
        this.answerer = answerer;
        this.runner = runner;
        this.chat = chat;
        this.metrics = metrics;
    }

    void register(Javalin app) {
        app.get("/health", ctx -> json(ctx, Map.of("status", "ok")));
        app.get("/metrics", ctx -> ctx.contentType(ServeMetrics.CONTENT_TYPE).result(metrics.scrape()));
        app.get("/v1/databases", this::databases);
        app.get("/v1/databases/{id}", this::database);
        app.post("/v1/generate_sql", ctx -> json(ctx, answerer.answer(ApiJson.read(ctx.body(), GenerateSqlRequest.class), catalog)));
        app.post("/v1/execute", this::execute);
        app.post("/v1/chat/completions", this::chatCompletions);
    }

    private void databases(Context ctx) {
        List<Map<String, Object>> list = catalog.all().stream().map(db -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", db.id());
            item.put("tables", db.schema().tables().size());
            item.put("sample_questions", db.sampleQuestions());
            return item;
        }).toList();
        json(ctx, Map.of("databases", list));
    }

    private void database(Context ctx) {
        ServedDatabase db = catalog.get(ctx.pathParam("id"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", db.id());
        out.put("tables", db.schema().tables());
        out.put("foreign_keys", db.schema().foreignKeys());
        out.put("ddl", db.schemaText());
        out.put("sample_questions", db.sampleQuestions());
        json(ctx, out);
    }

    private void execute(Context ctx) {
        ExecuteRequest request = ApiJson.read(ctx.body(), ExecuteRequest.class);
        ServedDatabase db = catalog.get(RequestChecks.requiredText(request.dbId(), "db_id", 200));
        String sql = RequestChecks.requiredText(request.sql(), "sql", runner.maxSqlChars());
        json(ctx, runner.execute(db, sql, request.maxRows()));
    }

    private void chatCompletions(Context ctx) throws IOException {
        ChatCompletionRequest request = ApiJson.read(ctx.body(), ChatCompletionRequest.class);
        if (!Boolean.TRUE.equals(request.stream())) {
            json(ctx, chat.response(chat.complete(request)));
            return;
        }
        // Headers go out with the first chunk: a request refused before it (400, 503) still answers in JSON.
        OutputStream[] out = new OutputStream[1];
        chat.stream(request, chunk -> {
            if (out[0] == null) {
                ctx.contentType("text/event-stream; charset=utf-8").header("Cache-Control", "no-cache");
                out[0] = ctx.outputStream();
            }
            out[0].write(("data: " + ApiJson.write(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out[0].flush();
        });
        out[0].write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out[0].flush();
    }

    static void json(Context ctx, Object value) {
        ctx.contentType("application/json").result(ApiJson.write(value));
    }
}
