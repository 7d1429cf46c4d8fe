package dev.sqlrl.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * POST /v1/chat/completions as OpenAI defines it, the fields sqlrl honours. {@code stop} is a string or a list of
 * strings; {@code seed} makes sampling repeatable; {@code user} and {@code model} are accepted and not used for
 * anything but the answer's model name. Other fields are refused (they would change the answer unnoticed).
 */
public record ChatCompletionRequest(String model, List<Message> messages, Double temperature, Double topP,
                                    Integer maxTokens, Integer maxCompletionTokens, Integer n, JsonNode stop,
                                    Boolean stream, Long seed, String user) {
    public record Message(String role, String content, String name) {}
}
