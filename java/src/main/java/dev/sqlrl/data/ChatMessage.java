package dev.sqlrl.data;

import java.util.Map;

/** One chat turn: role (system, user, assistant) and content, as HF chat templates receive them. */
public record ChatMessage(String role, String content) {
    /** The dict a Jinja chat template iterates over. */
    public Map<String, Object> asTemplateValue() {
        return Map.of("role", role, "content", content);
    }
}
