package dev.sqlrl.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.model.Completion;
import dev.sqlrl.model.SamplingParams;
import dev.sqlrl.model.StepListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The batcher on a fake model that echoes each prompt's first token and records the batch sizes it was called with. */
class GenerationBatcherTest {
    private static final SamplingParams GREEDY = SamplingParams.greedy(4, List.of());

    private static final class EchoModel implements BatchModel {
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release;

        EchoModel(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public List<Completion> generate(int[][] prompts, SamplingParams params, StepListener listener) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batchSizes.add(prompts.length);
            List<Completion> out = new ArrayList<>();
            for (int[] prompt : prompts) {
                for (int s = 0; s < params.numSamples(); s++) out.add(new Completion(new int[] {prompt[0], s}, new float[2]));
            }
            if (listener != null) {
                // Step j draws every row's token j; a row of prompt 0 stops after its first token.
                for (int step = 0; step < 2; step++) {
                    int[] tokens = new int[out.size()];
                    for (int row = 0; row < out.size(); row++) {
                        tokens[row] = step == 1 && row < params.numSamples() ? -1 : out.get(row).tokens()[step];
                    }
                    listener.onStep(step, tokens);
                }
            }
            return out;
        }
    }

    @Test
    void concurrentRequestsShareOneGenerateCallAndGetTheirOwnAnswers() throws Exception {
        EchoModel model = new EchoModel(new CountDownLatch(0));
        try (GenerationBatcher batcher = new GenerationBatcher(model, 8, 200, 100, (p, t, n) -> { })) {
            List<CompletableFuture<BatchedCompletions>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) futures.add(batcher.submit(new int[i + 1], GREEDY, 10_000));
            for (int i = 0; i < 8; i++) {
                int[] prompt = new int[i + 1];
                prompt[0] = 0;
                BatchedCompletions answer = futures.get(i).get(10, TimeUnit.SECONDS);
                assertEquals(1, answer.completions().size());
                assertEquals(8, answer.batchPrompts());
            }
            assertEquals(List.of(8), model.batchSizes);
        }
    }

    @Test
    void eachRequestGetsTheCompletionsOfItsOwnPrompt() throws Exception {
        EchoModel model = new EchoModel(new CountDownLatch(0));
        SamplingParams three = new SamplingParams(false, 1.0, 0, 1.0, 5, 4, 3, List.of());
        try (GenerationBatcher batcher = new GenerationBatcher(model, 4, 100, 100, (p, t, n) -> { })) {
            List<CompletableFuture<BatchedCompletions>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) futures.add(batcher.submit(new int[] {100 + i, 7}, three, 10_000));
            for (int i = 0; i < 4; i++) {
                List<Completion> own = futures.get(i).get(10, TimeUnit.SECONDS).completions();
                assertEquals(3, own.size());
                for (int s = 0; s < 3; s++) assertArrayEquals(new int[] {100 + i, s}, own.get(s).tokens());
            }
        }
    }

    @Test
    void streamingRequestsAreToldTheirOwnTokensBeforeTheirAnswerCompletes() throws Exception {
        EchoModel model = new EchoModel(new CountDownLatch(0));
        SamplingParams two = new SamplingParams(false, 1.0, 0, 1.0, 5, 4, 2, List.of());
        try (GenerationBatcher batcher = new GenerationBatcher(model, 3, 200, 100, (p, t, n) -> { })) {
            List<List<String>> told = List.of(new ArrayList<>(), new ArrayList<>());
            List<CompletableFuture<BatchedCompletions>> futures = new ArrayList<>();
            List<Boolean> doneWhenTold = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 2; i++) {
                int request = i;
                futures.add(batcher.submit(new int[] {100 + i}, two, 10_000, (sample, token) -> {
                    told.get(request).add(sample + ":" + token);
                    doneWhenTold.add(futures.size() > request && futures.get(request).isDone());
                }));
            }
            var quiet = batcher.submit(new int[] {200}, two, 10_000); // no sink: shares the call, told nothing
            for (var f : futures) f.get(10, TimeUnit.SECONDS);
            assertEquals(3, quiet.get(10, TimeUnit.SECONDS).batchPrompts());
            // request 0 is prompt 0, whose rows stopped after one token; request 1 gets both steps
            assertEquals(List.of("0:100", "1:100"), told.get(0));
            assertEquals(List.of("0:101", "1:101", "0:0", "1:1"), told.get(1));
            assertFalse(doneWhenTold.contains(true), "tokens come before the answer");
        }
    }

    @Test
    void requestsWithOtherSamplingSettingsGoInAnotherCall() throws Exception {
        EchoModel model = new EchoModel(new CountDownLatch(0));
        SamplingParams longer = SamplingParams.greedy(8, List.of());
        try (GenerationBatcher batcher = new GenerationBatcher(model, 8, 200, 100, (p, t, n) -> { })) {
            var a = batcher.submit(new int[] {1}, GREEDY, 10_000);
            var b = batcher.submit(new int[] {2}, longer, 10_000);
            var c = batcher.submit(new int[] {3}, GREEDY, 10_000);
            assertEquals(2, a.get(10, TimeUnit.SECONDS).batchPrompts());
            assertEquals(2, c.get(10, TimeUnit.SECONDS).batchPrompts());
            assertEquals(1, b.get(10, TimeUnit.SECONDS).batchPrompts());
        }
        assertEquals(List.of(2, 1), model.batchSizes);
    }

    @Test
    void batchSizeOneTurnsBatchingOff() throws Exception {
        EchoModel model = new EchoModel(new CountDownLatch(0));
        try (GenerationBatcher batcher = new GenerationBatcher(model, 1, 50, 100, (p, t, n) -> { })) {
            List<CompletableFuture<BatchedCompletions>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) futures.add(batcher.submit(new int[] {i}, GREEDY, 10_000));
            for (var f : futures) assertEquals(1, f.get(10, TimeUnit.SECONDS).batchPrompts());
        }
        assertEquals(List.of(1, 1, 1, 1, 1), model.batchSizes);
    }

    @Test
    void aFullQueueRefusesAtOnceAndALateRequestTimesOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EchoModel model = new EchoModel(release);
        try (GenerationBatcher batcher = new GenerationBatcher(model, 1, 0, 2, (p, t, n) -> { })) {
            var running = batcher.submit(new int[] {1}, GREEDY, 10_000); // taken by the worker, blocked in generate
            while (batcher.queueDepth() > 0) Thread.sleep(5);
            var late = batcher.submit(new int[] {2}, GREEDY, 1);
            var queued = batcher.submit(new int[] {3}, GREEDY, 10_000);
            ServiceUnavailableException full = assertThrows(ServiceUnavailableException.class,
                    () -> batcher.submit(new int[] {4}, GREEDY, 10_000));
            assertEquals(503, full.status());
            Thread.sleep(20);
            release.countDown();
            running.get(10, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
            assertEquals(504, assertInstanceOf(ServiceUnavailableException.class, e.getCause()).status());
            queued.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void closeAnswersWhatIsQueuedThenRefuses() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EchoModel model = new EchoModel(release);
        GenerationBatcher batcher = new GenerationBatcher(model, 1, 0, 10, (p, t, n) -> { });
        List<CompletableFuture<BatchedCompletions>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) futures.add(batcher.submit(new int[] {i}, GREEDY, 10_000));
        Thread closer = Thread.ofPlatform().start(() -> batcher.close(10_000));
        Thread.sleep(50);
        assertThrows(ServiceUnavailableException.class, () -> batcher.submit(new int[] {9}, GREEDY, 10_000));
        release.countDown();
        closer.join();
        for (var f : futures) assertTrue(f.isDone() && !f.isCompletedExceptionally());
    }
}
