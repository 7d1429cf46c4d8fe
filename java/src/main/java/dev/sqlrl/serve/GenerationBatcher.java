package dev.sqlrl.serve;

import dev.sqlrl.model.Completion;
import dev.sqlrl.model.SamplingParams;
import dev.sqlrl.model.StepListener;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Gathers concurrent generation requests into one native generate call: the worker takes the oldest request,
 * waits at most the batch window for more, and runs up to maxBatchPrompts prompts (of any lengths) together.
 * Only requests with the same sampling settings (apart from the seed) share a call, since one call has one
 * set; the others wait for the next. The queue is bounded (a full one refuses at once: the caller answers
 * 503), and a request whose deadline passed while it waited is failed instead of generated.
 *
 * <p>One worker thread owns the model, which is for one thread at a time. {@link #close} refuses new
 * requests, generates what is queued, then stops the worker.
 */
public final class GenerationBatcher implements AutoCloseable {
    /** Told after each generate call, for metrics. */
    public interface Listener {
        void batchDone(int prompts, long generatedTokens, long generateNanos);
    }

    /**
     * Told each token of one request as its generate call draws it (sample index within the request, token id),
     * on the batcher's thread before the request's future completes: must return at once (hand it to a queue).
     */
    public interface TokenSink {
        void token(int sample, int token);
    }

    private record Job(int[] prompt, SamplingParams params, long submittedNanos, long deadlineNanos, long timeoutMillis,
                       TokenSink sink, CompletableFuture<BatchedCompletions> result) {}

    private final BatchModel model;
    private final int maxBatchPrompts;
    private final long windowNanos;
    private final int capacity;
    private final Listener listener;
    private final BlockingQueue<Job> queue;
    private final Deque<Job> carried = new ConcurrentLinkedDeque<>(); // taken by the worker only; read for the depth
    private final Thread worker;
    private volatile boolean closed;

    public GenerationBatcher(BatchModel model, int maxBatchPrompts, long windowMillis, int capacity, Listener listener) {
        if (maxBatchPrompts < 1) throw new IllegalArgumentException("max batch prompts must be >= 1, got " + maxBatchPrompts);
        if (windowMillis < 0) throw new IllegalArgumentException("batch window must be >= 0 ms, got " + windowMillis);
        if (capacity < 1) throw new IllegalArgumentException("queue capacity must be >= 1, got " + capacity);
        this.model = model;
        this.maxBatchPrompts = maxBatchPrompts;
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(windowMillis);
        this.capacity = capacity;
        this.listener = listener;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.worker = Thread.ofPlatform().name("sqlrl-generation").daemon(true).start(this::run);
    }

    /**
     * Queues one prompt; the future completes with its completions, or with a {@link ServiceUnavailableException}
     * when its deadline passes first.
     *
     * @throws ServiceUnavailableException when the queue is full or the batcher is closed
     */
    public CompletableFuture<BatchedCompletions> submit(int[] prompt, SamplingParams params, long timeoutMillis) {
        return submit(prompt, params, timeoutMillis, null);
    }

    /** As above; `sink` (nullable) is told the request's tokens as they are drawn. */
    public CompletableFuture<BatchedCompletions> submit(int[] prompt, SamplingParams params, long timeoutMillis,
                                                        TokenSink sink) {
        if (closed) throw ServiceUnavailableException.shuttingDown();
        long now = System.nanoTime();
        Job job = new Job(prompt.clone(), params, now, now + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), timeoutMillis,
                sink, new CompletableFuture<>());
        if (!queue.offer(job)) throw ServiceUnavailableException.queueFull(capacity);
        return job.result();
    }

    /** Requests waiting for a generate call. */
    public int queueDepth() {
        return queue.size() + carried.size();
    }

    private void run() {
        try {
            while (true) {
                Job first = carried.isEmpty() ? queue.poll(100, TimeUnit.MILLISECONDS) : carried.pollFirst();
                if (first == null) {
                    if (closed && queue.isEmpty()) return;
                    continue;
                }
                List<Job> batch = gather(first);
                generate(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failAll(ServiceUnavailableException.shuttingDown());
        }
    }

    /** The first job and those compatible with it that arrive within the window, up to the batch size. */
    private List<Job> gather(Job first) throws InterruptedException {
        List<Job> batch = new ArrayList<>();
        batch.add(first);
        List<Job> skipped = new ArrayList<>();
        for (var it = carried.iterator(); it.hasNext() && batch.size() < maxBatchPrompts; ) {
            Job job = it.next();
            if (compatible(first.params(), job.params())) {
                batch.add(job);
                it.remove();
            }
        }
        long windowEnd = System.nanoTime() + windowNanos;
        while (batch.size() < maxBatchPrompts) {
            long left = windowEnd - System.nanoTime();
            Job job = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (job == null) break;
            if (compatible(first.params(), job.params())) batch.add(job);
            else skipped.add(job);
        }
        carried.addAll(skipped);
        return batch;
    }

    private void generate(List<Job> jobs) {
        long start = System.nanoTime();
        List<Job> live = new ArrayList<>();
        for (Job job : jobs) {
            if (start - job.deadlineNanos() > 0) job.result().completeExceptionally(ServiceUnavailableException.deadline(job.timeoutMillis()));
            else live.add(job);
        }
        if (live.isEmpty()) return;
        SamplingParams params = live.getFirst().params();
        int[][] prompts = live.stream().map(Job::prompt).toArray(int[][]::new);
        List<Completion> completions;
        try {
            completions = model.generate(prompts, params, streaming(live, params.numSamples()));
        } catch (RuntimeException | Error e) {
            live.forEach(job -> job.result().completeExceptionally(e));
            if (e instanceof VirtualMachineError vm) throw vm;
            return;
        }
        long generateNanos = System.nanoTime() - start;
        int k = params.numSamples();
        long tokens = 0;
        for (int i = 0; i < live.size(); i++) {
            List<Completion> own = completions.subList(i * k, (i + 1) * k);
            for (Completion c : own) tokens += c.tokens().length;
            Job job = live.get(i);
            job.result().complete(new BatchedCompletions(own, live.size(), start - job.submittedNanos(), generateNanos));
        }
        listener.batchDone(live.size(), tokens, generateNanos);
    }

    /** Hands each drawn token to its request's sink; null when no request of the call streams. */
    private static StepListener streaming(List<Job> live, int samples) {
        if (live.stream().allMatch(job -> job.sink() == null)) return null;
        return (step, tokens) -> {
            for (int row = 0; row < tokens.length; row++) {
                TokenSink sink = live.get(row / samples).sink();
                if (tokens[row] < 0 || sink == null) continue;
                try {
                    sink.token(row % samples, tokens[row]);
                } catch (RuntimeException e) {
                    // one request's broken sink must not end the others' generation
                }
            }
            return true;
        };
    }

    /** Same settings apart from the seed: one generate call can serve both. */
    private static boolean compatible(SamplingParams a, SamplingParams b) {
        return a.greedy() == b.greedy() && a.temperature() == b.temperature() && a.topK() == b.topK()
                && a.topP() == b.topP() && a.maxNewTokens() == b.maxNewTokens() && a.numSamples() == b.numSamples()
                && Objects.equals(a.stopIds(), b.stopIds());
    }

    private void failAll(RuntimeException e) {
        carried.forEach(job -> job.result().completeExceptionally(e));
        carried.clear();
        for (Job job; (job = queue.poll()) != null; ) job.result().completeExceptionally(e);
    }

    /** Refuses new requests, answers the queued ones, then stops the worker (waiting at most the given time). */
    public void close(long waitMillis) {
        closed = true;
        try {
            worker.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) worker.interrupt();
    }

    @Override
    public void close() {
        close(60_000);
    }
}
