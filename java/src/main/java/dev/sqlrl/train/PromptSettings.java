package dev.sqlrl.train;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.PromptSection;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.config.SchemaSection;
import dev.sqlrl.data.ChatTemplate;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.data.PromptTemplate;
import dev.sqlrl.data.SchemaSerializer;
import dev.sqlrl.data.values.ValueIndexCache;
import dev.sqlrl.data.values.ValueRetriever;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that decides the text a model sees for an example — template, chat template on or off, schema
 * serialization, prompt and answer lengths — and where it came from. Training, evaluation and serving build
 * prompts from these, so a model is asked exactly as it was trained: a trained adapter's settings are read
 * from its run's resolved config.yaml, which every checkpoint carries beside its adapter folder.
 *
 * @param source where the settings came from, for reports ("runs/x/checkpoints/step-000100/config.yaml", "defaults")
 */
public record PromptSettings(PromptSection prompt, SchemaSection schema, int maxNewTokens, String source) {

    /** What a model without a training run of sqlrl's gets: the config's defaults. */
    public static PromptSettings defaults() {
        RunConfig d = RunConfig.defaults();
        return of(d, "defaults");
    }

    public static PromptSettings of(RunConfig config, String source) {
        return new PromptSettings(config.prompt(), config.data().schema(), config.eval().maxNewTokens(), source);
    }

    /**
     * The settings an adapter was trained with: from {@code runConfig} when given (a run folder or its
     * config.yaml), else from the config.yaml found beside {@code adapterDir} (a checkpoint's, or its run's),
     * else the defaults.
     */
    public static PromptSettings resolve(Path adapterDir, Path runConfig) {
        if (runConfig != null) {
            Path file = Files.isDirectory(runConfig) ? runConfig.resolve("config.yaml") : runConfig;
            if (!Files.isRegularFile(file)) {
                throw new UserInputException(runConfig + ": no run config there (expected a run folder with config.yaml, "
                        + "or a config .yaml file)");
            }
            return of(RunConfigs.load(file, List.of()), file.toString());
        }
        return findRunConfig(adapterDir).map(file -> of(RunConfigs.load(file, List.of()), file.toString()))
                .orElseGet(PromptSettings::defaults);
    }

    /**
     * The resolved config.yaml that belongs to an adapter folder written by sqlrl: the adapter's own folder,
     * its checkpoint's (RUN/checkpoints/step-N/adapter), or its run's (RUN/init-adapter). Empty for other folders.
     */
    public static Optional<Path> findRunConfig(Path adapterDir) {
        if (adapterDir == null) return Optional.empty();
        Path dir = adapterDir.toAbsolutePath().normalize();
        for (Path candidate = dir; candidate != null && depth(dir, candidate) <= 1; candidate = candidate.getParent()) {
            Path file = candidate.resolve("config.yaml");
            if (Files.isRegularFile(file)) return Optional.of(file);
        }
        return Optional.empty();
    }

    private static int depth(Path from, Path ancestor) {
        return from.getNameCount() - ancestor.getNameCount();
    }

    public PromptSettings withPrompt(PromptSection p) {
        return new PromptSettings(p, schema, maxNewTokens, source);
    }

    public PromptSettings withSchema(SchemaSection s) {
        return new PromptSettings(prompt, s, maxNewTokens, source);
    }

    public PromptSettings withMaxNewTokens(int n) {
        return new PromptSettings(prompt, schema, n, source);
    }

    /** The chat template these settings ask for: the model's own, or plain text ended by the model's first EOS token. */
    public ChatTemplate chatTemplate(Path modelDir, TextTokenizer tokenizer, List<Integer> eosIds) {
        return prompt.useChatTemplate() ? ChatTemplate.fromModelDir(modelDir)
                : ChatTemplate.plain(eosIds.isEmpty() ? "" : tokenizer.decode(new int[] {eosIds.getFirst()}, false));
    }

    /** The prompt builder of these settings around a given chat template. */
    public PromptBuilder builder(ChatTemplate chatTemplate) {
        SchemaSerializer serializer = serializer();
        ValueRetriever values = schema.values().enabled() && schema.format() == SchemaSerializer.Format.DDL
                ? new ValueRetriever(ValueIndexCache.shared(), schema.values()) : null;
        return new PromptBuilder(PromptTemplate.load(prompt.template()), chatTemplate, serializer, values, schema.linking());
    }

    /** The schema serialization of these settings: what the prompt shows of a database (the server shows it too). */
    public SchemaSerializer serializer() {
        return new SchemaSerializer(new SchemaSerializer.Options(schema.foreignKeys(),
                schema.sampleValues(), SchemaSerializer.Options.DEFAULT.maxValueLength(), schema.format(),
                schema.descriptions()));
    }

    /** Every setting, named as in the config, for reports (report.md's run table). */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("prompt settings from", source);
        out.put("prompt.template", prompt.template());
        out.put("prompt.use_chat_template (chat template)", Boolean.toString(prompt.useChatTemplate()));
        out.put("prompt.max_prompt_tokens", Integer.toString(prompt.maxPromptTokens()));
        out.put("data.schema.format", schema.format().name().toLowerCase(java.util.Locale.ROOT));
        out.put("data.schema.foreign_keys", Boolean.toString(schema.foreignKeys()));
        out.put("data.schema.sample_values", Integer.toString(schema.sampleValues()));
        out.put("data.schema.descriptions", Boolean.toString(schema.descriptions()));
        out.put("data.schema.values.enabled", Boolean.toString(schema.values().enabled()));
        if (schema.values().enabled()) {
            out.put("data.schema.values.min_similarity", Double.toString(schema.values().minSimilarity()));
            out.put("data.schema.values.per_column", Integer.toString(schema.values().perColumn()));
        }
        out.put("data.schema.linking.enabled", Boolean.toString(schema.linking().enabled()));
        if (schema.linking().enabled()) {
            out.put("data.schema.linking.keep_whole_below_tokens", Integer.toString(schema.linking().keepWholeBelowTokens()));
        }
        out.put("eval.max_new_tokens", Integer.toString(maxNewTokens));
        return out;
    }
}
