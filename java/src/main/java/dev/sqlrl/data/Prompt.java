package dev.sqlrl.data;

import java.util.List;

/**
 * A prompt ready for the model.
 *
 * @param templateId   which prompt template (name and version) produced it, for run records
 * @param answerFormat the answer format the template asked for (what the format reward checks)
 * @param messages     the chat messages
 * @param text         the messages rendered through the model's chat template, ending with the assistant header
 */
public record Prompt(String templateId, AnswerFormat answerFormat, List<ChatMessage> messages, String text) {
    public Prompt {
        messages = List.copyOf(messages);
    }
}
