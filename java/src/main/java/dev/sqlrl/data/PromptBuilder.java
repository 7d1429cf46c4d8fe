package dev.sqlrl.data;

import dev.sqlrl.config.LinkingSection;
import dev.sqlrl.data.link.SchemaLinker;
import dev.sqlrl.data.link.SchemaTokens;
import dev.sqlrl.data.values.ValueMatch;
import dev.sqlrl.data.values.ValueRetriever;
import java.util.List;

/**
 * Builds the prompt of an example: its database schema serialized (with the values the question mentions when
 * value retrieval is on, pruned to the linked tables when schema linking is on), the template filled with the schema, question and evidence, and the messages rendered
 * through the model's chat template. Thread-safe (the serializer caches schema text per database).
 */
public final class PromptBuilder {
    /** Appended to the template id in every prompt's record when value retrieval filled the schema. */
    public static final String VALUES_SUFFIX = "+values";
    /** Appended to the template id when schema linking may have pruned the schema. */
    public static final String LINKING_SUFFIX = "+linked";
    /** Appended to a prompt's template id when its schema carries BIRD's column descriptions. */
    public static final String DESCRIPTIONS_SUFFIX = "+descriptions";

    private final PromptTemplate template;
    private final ChatTemplate chatTemplate;
    private final SchemaSerializer serializer;
    private final ValueRetriever values;
    private final LinkingSection linking;

    public PromptBuilder(PromptTemplate template, ChatTemplate chatTemplate, SchemaSerializer serializer) {
        this(template, chatTemplate, serializer, null, null);
    }

    public PromptBuilder(PromptTemplate template, ChatTemplate chatTemplate, SchemaSerializer serializer,
                         ValueRetriever values) {
        this(template, chatTemplate, serializer, values, null);
    }

    /**
     * @param values  question-aware value retrieval, or null for none
     * @param linking schema linking and pruning, or null (or disabled) for the whole schema
     */
    public PromptBuilder(PromptTemplate template, ChatTemplate chatTemplate, SchemaSerializer serializer,
                         ValueRetriever values, LinkingSection linking) {
        this.template = template;
        this.chatTemplate = chatTemplate;
        this.serializer = serializer;
        this.values = values;
        this.linking = linking != null && linking.enabled() ? linking : null;
    }

    public PromptTemplate template() {
        return template;
    }

    /** The template's id as prompts record it: with {@link #VALUES_SUFFIX} when value retrieval is on. */
    public String templateId() {
        return template.id() + (values == null ? "" : VALUES_SUFFIX) + (linking == null ? "" : LINKING_SUFFIX);
    }

    /**
     * The template id that {@code example}'s prompt records: {@link #templateId()}, with {@link #DESCRIPTIONS_SUFFIX}
     * when its database's schema text carries BIRD descriptions (only BIRD-layout databases have them).
     */
    public String templateId(Example example) {
        return templateId() + (serializer.showsDescriptions(example.dbPath()) ? DESCRIPTIONS_SUFFIX : "");
    }

    public Prompt build(Example example, DatabaseSchema schema) {
        String schemaText = schemaText(example, schema);
        var messages = template.messages(schemaText, example.question(), example.evidence());
        return new Prompt(templateId(example), template.answerFormat(), messages, chatTemplate.render(messages, true));
    }

    public Prompt build(Example example, Dataset dataset) {
        return build(example, dataset.schemaOf(example));
    }

    private String schemaText(Example example, DatabaseSchema schema) {
        if (values == null && linking == null) {
            return serializer.serialize(schema, example.dbPath());
        }
        List<ValueMatch> matches = values == null ? List.of() : values.matches(example.dbPath(), searchText(example));
        DatabaseSchema shown = schema;
        if (linking != null && SchemaTokens.count(serializer.serialize(schema, example.dbPath())) > linking.keepWholeBelowTokens()) {
            shown = SchemaLinker.prune(schema, searchText(example), matches);
        }
        return serializer.serialize(shown, example.dbPath(), values == null ? null : ValueRetriever.byColumn(matches));
    }

    /** BIRD's evidence often names the values ("refers to County = 'Alameda'"), so it is searched too. */
    private static String searchText(Example example) {
        String evidence = example.evidence();
        return evidence == null || evidence.isBlank() ? example.question() : example.question() + " " + evidence;
    }
}
