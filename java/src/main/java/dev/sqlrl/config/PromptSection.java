package dev.sqlrl.config;

/** How an example becomes the model's input. */
public record PromptSection(
        @Key(value = "Versioned prompt template (a resource prompts/<template>.txt), recorded with every prompt.",
                defaultValue = "text2sql-v1") String template,
        @Key(value = "Render the messages through the model's chat template from tokenizer_config.json (ChatML when "
                + "absent); false feeds the plain template text.", defaultValue = "true") boolean useChatTemplate,
        @Key(value = "Prompts longer than this many tokens are skipped (and counted) rather than truncated.",
                defaultValue = "1024", min = 16) int maxPromptTokens) {

    public static PromptSection defaults() {
        return KeyDefaults.of(PromptSection.class);
    }
}
