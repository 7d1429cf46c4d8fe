package dev.sqlrl.serve;

import java.util.List;

/** The OpenAI chat completion object (non-streaming) and the chunk object of a stream. */
public record ChatCompletionResponse(String id, String object, long created, String model, List<Choice> choices,
                                     Usage usage) {
    public record Choice(int index, Message message, Message delta, String finishReason) {}

    public record Message(String role, String content) {}

    public record Usage(int promptTokens, int completionTokens, int totalTokens) {}
}
