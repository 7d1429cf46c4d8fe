package dev.sqlrl.serve;

import dev.sqlrl.sql.SandboxLimits;

/**
 * How a server listens, batches and bounds its requests.
 *
 * @param host                address to bind (127.0.0.1 unless an API key guards the server)
 * @param port                TCP port (0: any free one)
 * @param maxBatchPrompts     prompts per native generate call (1: no batching)
 * @param batchWindowMillis   how long the batcher waits for more requests after the first
 * @param queueCapacity       requests that may wait for generation; more are answered 503
 * @param requestTimeoutMillis a request's deadline for generation (queue wait included); past it, 504
 * @param maxBodyBytes        largest request body (413 above)
 * @param maxQuestionChars    longest question or chat message text
 * @param maxSamples          largest num_samples / n
 * @param maxNewTokens        tokens generated per answer at most (and the default for chat)
 * @param sandbox             limits of every SQL run; the row cap is also the largest max_rows
 * @param apiKey              the Bearer token every route but /health needs, or null for none
 */
public record ServeSettings(String host, int port, int maxBatchPrompts, long batchWindowMillis, int queueCapacity,
                            long requestTimeoutMillis, int maxBodyBytes, int maxQuestionChars, int maxSamples,
                            int maxNewTokens, SandboxLimits sandbox, String apiKey) {
    public static final String DEFAULT_HOST = "127.0.0.1";

    public ServeSettings withBatching(int prompts) {
        return new ServeSettings(host, port, prompts, batchWindowMillis, queueCapacity, requestTimeoutMillis, maxBodyBytes,
                maxQuestionChars, maxSamples, maxNewTokens, sandbox, apiKey);
    }

    public ServeSettings withApiKey(String key) {
        return new ServeSettings(host, port, maxBatchPrompts, batchWindowMillis, queueCapacity, requestTimeoutMillis,
                maxBodyBytes, maxQuestionChars, maxSamples, maxNewTokens, sandbox, key);
    }

    /** Defaults for a local server: batches of up to 32 prompts gathered within 10 ms, 256 queued, 60 s deadline. */
    public static ServeSettings defaults() {
        return new ServeSettings(DEFAULT_HOST, 8080, 32, 10, 256, 60_000, 64 << 10, 2_000, 16, 256,
                SandboxLimits.defaults().withTimeoutMillis(5_000).withMaxRows(10_000).withMaxResultBytes(16L << 20), null);
    }
}
