package dev.sqlrl.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.data.ChatMessage;
import dev.sqlrl.model.Completion;
import dev.sqlrl.model.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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

    public Answer complete(ChatCompletionRequest request) {
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
        BatchedCompletions generated = Futures.await(batcher.submit(tokens, params, settings.requestTimeoutMillis()),
                settings.requestTimeoutMillis());
        List<String> texts = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        int completionTokens = 0;
        for (Completion c : generated.completions()) {
            completionTokens += c.tokens().length;
            String text = model.tokenizer().decode(c.tokens(), true);
            int cut = firstStop(text, stops);
            boolean stoppedById = c.tokens().length > 0 && stopIds.contains(c.tokens()[c.tokens().length - 1]);
            texts.add(cut >= 0 ? text.substring(0, cut) : text);
            reasons.add(cut >= 0 || stoppedById || c.tokens().length < maxTokens ? "stop" : "length");
        }
        return new Answer("chatcmpl-" + UUID.randomUUID(), System.currentTimeMillis() / 1000, texts, reasons, tokens.length,
                completionTokens);
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

    /**
     * The stream's chunks: per choice its role, its text in pieces, its finish reason. The model generates an answer
     * in one native call, so the chunks follow when it is done (clients that read streams work unchanged).
     */
    public List<ChatCompletionResponse> chunks(Answer answer) {
        List<ChatCompletionResponse> out = new ArrayList<>();
        for (int i = 0; i < answer.texts().size(); i++) {
            out.add(chunk(answer, i, new ChatCompletionResponse.Message("assistant", ""), null));
            String text = answer.texts().get(i);
            for (int start = 0; start < text.length(); start += 16) {
                out.add(chunk(answer, i, new ChatCompletionResponse.Message(null, text.substring(start,
                        Math.min(text.length(), start + 16))), null));
            }
            out.add(chunk(answer, i, new ChatCompletionResponse.Message(null, null), answer.finishReasons().get(i)));
        }
        return out;
    }

    private ChatCompletionResponse chunk(Answer answer, int index, ChatCompletionResponse.Message delta, String finish) {
        return new ChatCompletionResponse(answer.id(), "chat.completion.chunk", answer.created(), model.name(),
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

    private static int firstStop(String text, List<String> stops) {
        int first = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }
}
