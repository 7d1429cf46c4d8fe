package dev.sqlrl.data;

import dev.sqlrl.data.values.ValueRetriever;

/**
 * Builds the prompt of an example: its database schema serialized (with the values the question mentions when
 * value retrieval is on), the template filled with the schema, question and evidence, and the messages rendered
 * through the model's chat template. Thread-safe (the serializer caches schema text per database).
 */
public final class PromptBuilder {
    /** Appended to the template id in every prompt's record when value retrieval filled the schema. */
    public static final String VALUES_SUFFIX = "+values";

    private final PromptTemplate template;
    private final ChatTemplate chatTemplate;
    private final SchemaSerializer serializer;
    private final ValueRetriever values;

    public PromptBuilder(PromptTemplate template, ChatTemplate chatTemplate, SchemaSerializer serializer) {
        this(template, chatTemplate, serializer, null);
    }

    /** @param values question-aware value retrieval, or null for none */
    public PromptBuilder(PromptTemplate template, ChatTemplate chatTemplate, SchemaSerializer serializer,
                         ValueRetriever values) {
        this.template = template;
        this.chatTemplate = chatTemplate;
        this.serializer = serializer;
        this.values = values;
    }

    public PromptTemplate template() {
        return template;
    }

    /** The template's id as prompts record it: with {@link #VALUES_SUFFIX} when value retrieval is on. */
    public String templateId() {
        return values == null ? template.id() : template.id() + VALUES_SUFFIX;
    }

    public Prompt build(Example example, DatabaseSchema schema) {
        String schemaText = values == null ? serializer.serialize(schema, example.dbPath())
                : serializer.serialize(schema, example.dbPath(), values.valuesByColumn(example.dbPath(), searchText(example)));
        var messages = template.messages(schemaText, example.question(), example.evidence());
        return new Prompt(templateId(), template.answerFormat(), messages, chatTemplate.render(messages, true));
    }

    public Prompt build(Example example, Dataset dataset) {
        return build(example, dataset.schemaOf(example));
    }

    /** BIRD's evidence often names the values ("refers to County = 'Alameda'"), so it is searched too. */
    private static String searchText(Example example) {
        String evidence = example.evidence();
        return evidence == null || evidence.isBlank() ? example.question() : example.question() + " " + evidence;
    }
}
