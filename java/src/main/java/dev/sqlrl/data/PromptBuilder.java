package dev.sqlrl.data;

/**
 * Builds the prompt of an example: its database schema serialized, the template filled with the
 * schema, question and evidence, and the messages rendered through the model's chat template.
 * Thread-safe (the serializer caches schema text per database).
 */
public final class PromptBuilder {
    private final PromptTemplate template;
    private final ChatTemplate chatTemplate;
    private final SchemaSerializer serializer;

    public PromptBuilder(PromptTemplate template, ChatTemplate chatTemplate, SchemaSerializer serializer) {
        this.template = template;
        this.chatTemplate = chatTemplate;
        this.serializer = serializer;
    }

    public PromptTemplate template() {
        return template;
    }

    public Prompt build(Example example, DatabaseSchema schema) {
        String schemaText = serializer.serialize(schema, example.dbPath());
        var messages = template.messages(schemaText, example.question(), example.evidence());
        return new Prompt(template.id(), template.answerFormat(), messages, chatTemplate.render(messages, true));
    }

    public Prompt build(Example example, Dataset dataset) {
        return build(example, dataset.schemaOf(example));
    }
}
