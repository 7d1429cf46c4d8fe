package dev.sqlrl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PromptBuilderTest {
    @Test
    void spiderExampleThroughQwenChatTemplate() {
        Dataset dataset = DatasetLoader.load(TestResources.spiderSample(), "train");
        PromptBuilder builder = new PromptBuilder(PromptTemplate.load("text2sql-v1"),
                ChatTemplate.fromModelDir(TestResources.resource("data/chat-templates/qwen2.5")),
                new SchemaSerializer(SchemaSerializer.Options.DEFAULT));
        Prompt prompt = builder.build(dataset.examples().get(0), dataset);
        assertEquals("text2sql-v1", prompt.templateId());
        assertEquals(AnswerFormat.SQL_FENCE, prompt.answerFormat());
        String text = prompt.text();
        assertTrue(text.startsWith("<|im_start|>system\nYou are an expert data analyst"), text);
        assertTrue(text.contains("<|im_start|>user\nDatabase schema:\nCREATE TABLE flight (\n"), text);
        assertTrue(text.contains("FOREIGN KEY (aid) REFERENCES aircraft(aid)"), text);
        assertTrue(text.contains("\nQuestion: How many aircrafts do we have?\n"), text);
        assertTrue(!text.contains("External knowledge"), "Spider has no evidence");
        assertTrue(text.endsWith("<|im_end|>\n<|im_start|>assistant\n"), text);
    }
}
