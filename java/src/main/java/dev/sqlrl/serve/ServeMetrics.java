package dev.sqlrl.serve;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * The server's Prometheus metrics (client_java, text exposition format): requests by route and status,
 * request latency, generate-call batch sizes and durations, queue depth, generated tokens (a counter, whose
 * rate is tokens/s) and the tokens/s of the last generate call. One registry per server, so that two servers
 * in one JVM (tests, the serve benchmark) count apart.
 */
public final class ServeMetrics implements GenerationBatcher.Listener {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("sqlrl_http_requests_total")
            .help("HTTP requests by route and status").labelNames("route", "status").register(registry);
    private final Histogram latency = Histogram.builder().name("sqlrl_http_request_duration_seconds")
            .help("HTTP request latency by route").labelNames("route")
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
    private final Histogram batchSize = Histogram.builder().name("sqlrl_generation_batch_prompts")
            .help("Prompts per native generate call").classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128).register(registry);
    private final Histogram batchSeconds = Histogram.builder().name("sqlrl_generation_batch_seconds")
            .help("Duration of native generate calls")
            .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
    private final Counter tokens = Counter.builder().name("sqlrl_generated_tokens_total")
            .help("Tokens generated (rate() of this is the generated tokens per second)").register(registry);
    private final Gauge lastTokensPerSecond = Gauge.builder().name("sqlrl_generation_tokens_per_second")
            .help("Generated tokens per second of the last generate call").register(registry);

    /** @param queueDepth requests waiting for a generate call, read at each scrape */
    public ServeMetrics(IntSupplier queueDepth) {
        GaugeWithCallback.builder().name("sqlrl_generation_queue_depth").help("Requests waiting for a generate call")
                .callback(cb -> cb.call(queueDepth.getAsInt())).register(registry);
    }

    public void request(String route, int status, long nanos) {
        requests.labelValues(route, Integer.toString(status)).inc();
        latency.labelValues(route).observe(nanos / 1e9);
    }

    @Override
    public void batchDone(int prompts, long generatedTokens, long generateNanos) {
        batchSize.observe(prompts);
        batchSeconds.observe(generateNanos / 1e9);
        tokens.inc(generatedTokens);
        if (generateNanos > 0) lastTokensPerSecond.set(generatedTokens / (generateNanos / 1e9));
    }

    /** Generate calls so far and the prompts they held, for benchmarks (the mean batch size between two readings). */
    public record BatchTotals(long calls, double prompts) {}

    public BatchTotals batchTotals() {
        return new BatchTotals(batchSize.getCount(), batchSize.getSum());
    }

    /** Every metric in Prometheus's text format. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
