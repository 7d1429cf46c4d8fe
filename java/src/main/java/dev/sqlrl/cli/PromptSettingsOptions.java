package dev.sqlrl.cli;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.PromptSection;
import dev.sqlrl.config.SchemaSection;
import dev.sqlrl.data.PromptTemplate;
import dev.sqlrl.data.SchemaSerializer;
import dev.sqlrl.train.PromptSettings;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options of the commands that ask a trained model (eval, data filter): whose training run's prompt settings to
 * use, and single settings over them. Asking the model as it was trained is what makes its answers meaningful.
 */
public final class PromptSettingsOptions {
    @Option(names = {"--run", "--config"}, paramLabel = "PATH",
            description = "The training run whose prompt settings to use: its run folder or a config .yaml (default: the "
                    + "config.yaml that sqlrl keeps beside every checkpoint's adapter, found from --adapter; else the "
                    + "config defaults). The options below override single settings.")
    Path runConfig;

    @Option(names = "--max-new-tokens", paramLabel = "N",
            description = "Tokens generated at most per answer (default: the run's eval.max_new_tokens, 256 without a run).")
    Integer maxNewTokens;

    @Option(names = "--max-prompt-tokens", paramLabel = "N",
            description = "Examples whose prompt is longer are skipped and counted, not truncated (default: the run's "
                    + "prompt.max_prompt_tokens, 1024 without a run).")
    Integer maxPromptTokens;

    @Option(names = "--template", paramLabel = "ID",
            description = "Prompt template id or .txt file (default: the run's prompt.template, "
                    + PromptTemplate.DEFAULT_ID + " without a run).")
    String template;

    @Option(names = "--chat-template", negatable = true,
            description = "Render prompts through the model's chat template; --no-chat-template feeds the plain template "
                    + "text (default: the run's prompt.use_chat_template, on without a run).")
    Boolean chatTemplate;

    @Option(names = "--schema-format", paramLabel = "FORMAT",
            description = "Schema in the prompt: ddl (CREATE TABLE) or compact (table(column, ...)) (default: the run's "
                    + "data.schema.format, ddl without a run).")
    String schemaFormat;

    @Option(names = "--sample-values", paramLabel = "N",
            description = "Sample values per column in the prompt's schema (default: the run's data.schema.sample_values, "
                    + "3 without a run).")
    Integer sampleValues;

    /** Refuses bad values in one line, before anything loads. */
    void check() {
        if (maxNewTokens != null && maxNewTokens < 1) {
            throw new UserInputException("--max-new-tokens must be at least 1, got " + maxNewTokens);
        }
        if (maxPromptTokens != null && maxPromptTokens < 1) {
            throw new UserInputException("--max-prompt-tokens must be at least 1, got " + maxPromptTokens);
        }
        if (schemaFormat != null) schemaFormat();
        if (sampleValues != null && sampleValues < 0) throw new UserInputException("--sample-values must be 0 or more, got " + sampleValues);
    }

    /** The adapter's training settings (or the run's, or the defaults), with the options given here on top. */
    PromptSettings resolve(Path adapter) {
        PromptSettings s = PromptSettings.resolve(adapter, runConfig);
        PromptSection p = s.prompt();
        s = s.withPrompt(new PromptSection(template != null ? template : p.template(),
                chatTemplate != null ? chatTemplate : p.useChatTemplate(),
                maxPromptTokens != null ? maxPromptTokens : p.maxPromptTokens()));
        SchemaSection schema = s.schema();
        s = s.withSchema(new SchemaSection(sampleValues != null ? sampleValues : schema.sampleValues(), schema.foreignKeys(),
                schemaFormat != null ? schemaFormat() : schema.format(), schema.values(), schema.linking(),
                schema.descriptions()));
        if (maxNewTokens != null) s = s.withMaxNewTokens(maxNewTokens);
        PromptTemplate.load(s.prompt().template()); // an unknown template fails here, before the model loads
        return s;
    }

    private SchemaSerializer.Format schemaFormat() {
        try {
            return SchemaSerializer.Format.valueOf(schemaFormat.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--schema-format must be ddl or compact, got '" + schemaFormat + "'");
        }
    }
}
