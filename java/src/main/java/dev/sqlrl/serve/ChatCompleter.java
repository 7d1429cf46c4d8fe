package dev.sqlrl.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.data.ChatMessage;
import dev.sqlrl.model.Completion;
import dev.sqlrl.model.SamplingParams;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * POST /v1/chat/completions (OpenAI's semantics): the messages go through the model's chat template (the one
 * the served run used), are generated through the batcher, and are cut at the first stop string. temperature 0
 * is greedy; OpenAI's default temperature and top_p are 1.
 */
public final class ChatCompleter {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");
    private static final int MAX_STOP_STRINGS = 4;

    /** The generated choices of one request, ready to be sent whole or as a stream. */
    public record Answer(String id, long created, List<String> texts, List<String> finishReasons, int promptTokens,
                         int completionTokens) {}

    private final ServedModel model;
    private final GenerationBatcher batcher;
    private final ServeSettings settings;
    private final List<Integer> stopIds;

    public ChatCompleter(ServedModel model, GenerationBatcher batcher, ServeSettings settings) {
        this.model = model;
        this.batcher = batcher;
        this.settings = settings;
        this.stopIds = model.stopIds();
    }

    /** A checked request, ready for the batcher. */
    private record Prepared(int[] tokens, SamplingParams params, List<String> stops, int maxTokens, int n) {}

    public Answer complete(ChatCompletionRequest request) {
        Prepared p = prepare(request);
        BatchedCompletions generated = Futures.await(batcher.submit(p.tokens(), p.params(), settings.requestTimeoutMillis()),
                settings.requestTimeoutMillis());
        return answer(p, generated, "chatcmpl-" + UUID.randomUUID(), System.currentTimeMillis() / 1000);
    }

    /** Where a stream's chunks go, in order; the first send commits the response. */
    public interface ChunkOut {
        void send(ChatCompletionResponse chunk) throws IOException;
    }

    /**
     * The answer as a stream, each choice's text sent as its tokens are drawn: per choice its role, then its text
     * in pieces (held back while its end could still turn out to be the start of a stop string, or half of a
     * character), then its finish reason. The pieces add up to the text the whole answer has. A client that goes
     * away ends the sending, not the generation (other requests share it).
     */
    public void stream(ChatCompletionRequest request, ChunkOut out) throws IOException {
        Prepared p = prepare(request);
        BlockingQueue<int[]> drawn = new LinkedBlockingQueue<>();  // {sample, token}
        CompletableFuture<BatchedCompletions> future = batcher.submit(p.tokens(), p.params(), settings.requestTimeoutMillis(),
                (sample, token) -> drawn.add(new int[] {sample, token}));
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        List<StreamedText> choices = new ArrayList<>();
        for (int i = 0; i < p.n(); i++) {
            choices.add(new StreamedText(p.stops()));
            out.send(chunk(id, created, i, new ChatCompletionResponse.Message("assistant", ""), null));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.requestTimeoutMillis() + 1_000);
        // The batcher tells every token before it completes the future: once it is done, all tokens are queued.
        while (!future.isDone() || !drawn.isEmpty()) {
            int[] first = poll(drawn);
            if (first == null) {
                if (System.nanoTime() > deadline) break;  // Futures.await below answers the timeout
                continue;
            }
            List<int[]> batch = new ArrayList<>(List.of(first));
            drawn.drainTo(batch);
            boolean[] changed = new boolean[p.n()];
            for (int[] event : batch) {
                choices.get(event[0]).add(event[1]);
                changed[event[0]] = true;
            }
            for (int i = 0; i < p.n(); i++) {
                String piece = changed[i] ? choices.get(i).advance(ids -> model.tokenizer().decode(ids, true)) : "";
                if (!piece.isEmpty()) out.send(chunk(id, created, i, new ChatCompletionResponse.Message(null, piece), null));
            }
        }
        Answer answer = answer(p, Futures.await(future, settings.requestTimeoutMillis()), id, created);
        for (int i = 0; i < p.n(); i++) {
            String rest = choices.get(i).rest(answer.texts().get(i));
            if (!rest.isEmpty()) out.send(chunk(id, created, i, new ChatCompletionResponse.Message(null, rest), null));
            out.send(chunk(id, created, i, new ChatCompletionResponse.Message(null, null), answer.finishReasons().get(i)));
        }
    }

    private static int[] poll(BlockingQueue<int[]> drawn) {
        try {
            return drawn.poll(20, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServiceUnavailableException.shuttingDown();
        }
    }

    private Prepared prepare(ChatCompletionRequest request) {
        if (request.messages() == null || request.messages().isEmpty()) throw ApiException.badRequest("'messages' is required");
        List<ChatMessage> messages = new ArrayList<>();
        for (ChatCompletionRequest.Message m : request.messages()) {
            if (m == null || m.role() == null || !ROLES.contains(m.role())) {
                throw ApiException.badRequest("each message needs a role of " + ROLES);
            }
            messages.add(new ChatMessage(m.role(), RequestChecks.requiredText(m.content(), "messages[].content",
                    settings.maxQuestionChars())));
        }
        int n = RequestChecks.count(request.n(), "n", 1, settings.maxSamples());
        Integer maxTokensField = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        int maxTokens = RequestChecks.count(maxTokensField, "max_tokens", settings.maxNewTokens(), settings.maxNewTokens());
        double temperature = request.temperature() == null ? 1.0 : request.temperature();
        double topP = request.topP() == null ? 1.0 : request.topP();
        if (!(temperature >= 0 && temperature <= 2)) throw ApiException.badRequest("'temperature' must be between 0 and 2");
        if (!(topP > 0 && topP <= 1)) throw ApiException.badRequest("'top_p' must be in (0, 1]");
        List<String> stops = stopStrings(request.stop());
        if (temperature == 0 && n > 1) throw ApiException.badRequest("n > 1 needs a temperature above 0 (greedy answers are all alike)");

        int[] tokens = model.tokenizer().encode(model.chatTemplate().render(messages, true));
        if (tokens.length > model.maxPromptTokens()) {
            throw ApiException.badRequest("the messages have " + tokens.length + " tokens, more than " + model.maxPromptTokens());
        }
        long seed = request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong();
        SamplingParams params = temperature == 0 ? SamplingParams.greedy(maxTokens, stopIds)
                : new SamplingParams(false, temperature, 0, topP, seed, maxTokens, n, stopIds);
        return new Prepared(tokens, params, stops, maxTokens, n);
    }

    private Answer answer(Prepared p, BatchedCompletions generated, String id, long created) {
        List<String> texts = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        int completionTokens = 0;
        for (Completion c : generated.completions()) {
            completionTokens += c.tokens().length;
            String text = model.tokenizer().decode(c.tokens(), true);
            int cut = firstStop(text, p.stops());
            boolean stoppedById = c.tokens().length > 0 && stopIds.contains(c.tokens()[c.tokens().length - 1]);
            texts.add(cut >= 0 ? text.substring(0, cut) : text);
            reasons.add(cut >= 0 || stoppedById || c.tokens().length < p.maxTokens() ? "stop" : "length");
        }
        return new Answer(id, created, texts, reasons, p.tokens().length, completionTokens);
    }

    public ChatCompletionResponse response(Answer answer) {
        List<ChatCompletionResponse.Choice> choices = new ArrayList<>();
        for (int i = 0; i < answer.texts().size(); i++) {
            choices.add(new ChatCompletionResponse.Choice(i, new ChatCompletionResponse.Message("assistant", answer.texts().get(i)),
                    null, answer.finishReasons().get(i)));
        }
        return new ChatCompletionResponse(answer.id(), "chat.completion", answer.created(), model.name(), choices,
                new ChatCompletionResponse.Usage(answer.promptTokens(), answer.completionTokens(),
                        answer.promptTokens() + answer.completionTokens()));
    }

    private ChatCompletionResponse chunk(String id, long created, int index, ChatCompletionResponse.Message delta,
                                         String finish) {
        return new ChatCompletionResponse(id, "chat.completion.chunk", created, model.name(),
                List.of(new ChatCompletionResponse.Choice(index, null, delta, finish)), null);
    }

    private static List<String> stopStrings(JsonNode stop) {
        if (stop == null || stop.isNull()) return List.of();
        List<String> out = new ArrayList<>();
        if (stop.isTextual()) out.add(stop.asText());
        else if (stop.isArray() && stop.size() <= MAX_STOP_STRINGS) stop.forEach(s -> {
            if (!s.isTextual()) throw ApiException.badRequest("'stop' must be a string or a list of up to 4 strings");
            out.add(s.asText());
        });
        else throw ApiException.badRequest("'stop' must be a string or a list of up to 4 strings");
        if (out.stream().anyMatch(String::isEmpty)) throw ApiException.badRequest("'stop' strings must not be empty");
        return out;
    }

    static int firstStop(String text, List<String> stops) {
        int first = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }
}
