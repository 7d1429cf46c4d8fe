package dev.sqlrl.serve;

import dev.sqlrl.sql.SqlSandbox;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server of `sqlrl serve` (Javalin on Jetty): the JSON API, the page and its assets from the jar
 * (/serve-page and WebJars), metrics, the API key, and a shutdown that lets in-flight requests finish. Errors
 * answer {"error": {"code", "message"}}: 4xx for the caller's mistakes, 503/504 when busy, 500 never with a
 * stack trace (that goes to the server's stderr).
 */
public final class SqlServer implements AutoCloseable {
    private static final String START_NANOS = "sqlrl.start";

    private final ServeSettings settings;
    private final GenerationBatcher batcher;
    private final SqlRunner runner;
    private final ServeMetrics metrics;
    private final Javalin app;
    private final PrintStream log;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;
    private boolean stopped;

    private SqlServer(ServeSettings settings, ServedModel model, DatabaseCatalog catalog, PrintStream log) {
        this.settings = settings;
        this.log = log;
        GenerationBatcher[] holder = new GenerationBatcher[1];
        this.metrics = new ServeMetrics(() -> holder[0] == null ? 0 : holder[0].queueDepth());
        this.batcher = new GenerationBatcher(model, settings.maxBatchPrompts(), settings.batchWindowMillis(),
                settings.queueCapacity(), metrics);
        holder[0] = batcher;
        this.runner = new SqlRunner(new SqlSandbox(settings.sandbox()), settings.sandbox().maxRows());
        ApiRoutes routes = new ApiRoutes(catalog, new SqlAnswerer(model, batcher, runner, settings), runner,
                new ChatCompleter(model, batcher, settings), metrics);
        ApiKeyFilter keyFilter = settings.apiKey() == null ? null : new ApiKeyFilter(settings.apiKey());
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/serve-page";
                files.location = Location.CLASSPATH;
            });
            config.staticFiles.enableWebjars();
        });
        app.before(ctx -> {
            ctx.attribute(START_NANOS, System.nanoTime());
            inFlight.incrementAndGet();
            if (draining && !ctx.path().equals("/health")) throw ServiceUnavailableException.shuttingDown();
            if (keyFilter != null) keyFilter.check(ctx);
            if (ctx.contentLength() > settings.maxBodyBytes()) {
                throw new ApiException(413, "body_too_large", "the request body is larger than " + settings.maxBodyBytes() + " bytes");
            }
        });
        app.after(ctx -> {
            inFlight.decrementAndGet();
            Long start = ctx.attribute(START_NANOS);
            metrics.request(routeLabel(ctx), ctx.status().getCode(), start == null ? 0 : System.nanoTime() - start);
        });
        routes.register(app);
        app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage(), null));
        app.exception(InvalidSqlException.class, (e, ctx) -> error(ctx, 400, "invalid_sql", e.getMessage(), e.problems()));
        app.exception(ServiceUnavailableException.class, (e, ctx) -> {
            ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
            error(ctx, e.status(), e.status() == 504 ? "timeout" : "unavailable", e.getMessage(), null);
        });
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), switch (e.getStatus()) {
            case 404 -> "not_found";
            case 413 -> "body_too_large";
            default -> "http_" + e.getStatus();
        }, e.getMessage(), null));
        app.exception(Exception.class, (e, ctx) -> {
            log.println("serve: internal error on " + ctx.method() + " " + ctx.path() + ": " + e);
            e.printStackTrace(log);
            error(ctx, 500, "internal", "internal error (the server's log has the details)", null);
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{")) {
                error(ctx, 404, "not_found", "no route " + ctx.method() + " " + ctx.path(), null);
            }
        });
    }

    /** Starts a server on the settings' host and port (0: a free port); the caller stops it with {@link #close}. */
    public static SqlServer start(ServeSettings settings, ServedModel model, DatabaseCatalog catalog, PrintStream log) {
        SqlServer server = new SqlServer(settings, model, catalog, log);
        server.app.start(settings.host(), settings.port());
        return server;
    }

    public int port() {
        return app.port();
    }

    public String url() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return "http://" + host + ":" + port() + "/";
    }

    public ServeMetrics metrics() {
        return metrics;
    }

    private static String routeLabel(Context ctx) {
        try {
            String path = ctx.endpointHandlerPath();
            return path == null || path.isEmpty() || path.equals("*") ? "other" : path;
        } catch (RuntimeException e) {
            return "other";
        }
    }

    private static void error(Context ctx, int status, String code, String message, List<String> problems) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message == null ? "" : message.lines().findFirst().orElse(""));
        if (problems != null) error.put("problems", problems);
        ctx.status(status);
        ApiRoutes.json(ctx, Map.of("error", error));
    }

    /**
     * Graceful stop: new requests get 503, those in flight finish (waiting at most the request deadline), queued
     * generation is drained, then Jetty stops and the sandbox closes.
     */
    @Override
    public synchronized void close() {
        if (stopped) return;
        stopped = true;
        draining = true;
        long until = System.nanoTime() + settings.requestTimeoutMillis() * 1_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() - until < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        batcher.close(settings.requestTimeoutMillis());
        app.stop();
        runner.close();
    }
}
