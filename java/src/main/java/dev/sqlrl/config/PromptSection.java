package dev.sqlrl.config;

/** How an example becomes the model's input. */
public record PromptSection(
        @Key("Versioned prompt template (a resource prompts/<template>.txt), recorded with every prompt.") String template,
        @Key("Render the messages through the model's chat template from tokenizer_config.json (ChatML when absent); "
                + "false feeds the plain template text.") boolean useChatTemplate,
        @Key(value = "Prompts longer than this many tokens are skipped (and counted) rather than truncated.", min = 16)
                int maxPromptTokens) {

    public static PromptSection defaults() {
        return new PromptSection("text2sql-v1", true, 1024);
    }
}
