package dev.sqlrl.data.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.SchemaSection;
import dev.sqlrl.config.ValuesSection;
import dev.sqlrl.data.ChatTemplate;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Prompt;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.data.PromptTemplate;
import dev.sqlrl.data.SchemaSerializer;
import dev.sqlrl.data.TestDatabases;
import dev.sqlrl.train.PromptSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where retrieved values land in the prompt, and that the prompt's record says retrieval was on. */
class ValuePromptTest {
    @TempDir
    Path temp;

    @Test
    void matchedValuesComeFirstInTheColumnCommentThenTheSamplesNotYetShown() throws Exception {
        Dataset dataset = DatasetLoader.load(TestDatabases.birdMini(temp), "dev");
        var example = dataset.examples().get(1); // "... customers from Germany?"
        SchemaSerializer serializer = new SchemaSerializer(new SchemaSerializer.Options(true, 2, 40));
        String ddl = serializer.serialize(dataset.schemaOf(example), example.dbPath(),
                Map.of("customers.country", List.of("Germany"), "customers.name", List.of("O'Hara")));
        assertEquals("""
                CREATE TABLE customers (
                  id integer, -- example values: 1, 2
                  name text, -- example values: 'O''Hara', 'Ana', 'Bo'
                  country text, -- example values: 'Germany', 'France'
                  PRIMARY KEY (id)
                );
                """, ddl.substring(0, ddl.indexOf("\n\n") + 1));
        assertTrue(serializer.serialize(dataset.schemaOf(example), example.dbPath()).contains("country text, -- e.g. 'France', 'Germany'"),
                "without retrieval the layout is unchanged");
    }

    @Test
    void promptBuilderSearchesQuestionAndEvidenceAndRecordsRetrievalInTheTemplateId() throws Exception {
        Dataset dataset = DatasetLoader.load(TestDatabases.birdMini(temp), "dev");
        try (ValueIndexCache cache = new ValueIndexCache(temp.resolve("cache"), ValueRetrievalTest.quiet())) {
            PromptBuilder builder = new PromptBuilder(PromptTemplate.load("text2sql-v1"), ChatTemplate.chatMl(),
                    new SchemaSerializer(new SchemaSerializer.Options(true, 0, 40)),
                    new ValueRetriever(cache, ValuesSection.defaults()));
            Prompt prompt = builder.build(dataset.examples().get(1), dataset);
            assertEquals("text2sql-v1+values", prompt.templateId());
            assertTrue(prompt.text().contains("  country text, -- example values: 'Germany'\n"), prompt.text());
            assertTrue(prompt.text().contains("  name text,\n"), "no match, no samples: no comment\n" + prompt.text());
        }
    }

    @Test
    void promptSettingsBuildRetrievalOnlyWhenEnabledAndDescribeIt() {
        PromptSettings defaults = PromptSettings.defaults();
        assertEquals(false, defaults.schema().values().enabled(), "off by default");
        assertEquals("text2sql-v1", defaults.builder(ChatTemplate.chatMl()).templateId());
        assertEquals("false", defaults.describe().get("data.schema.values.enabled"));

        SchemaSection s = RunConfig.defaults().data().schema();
        PromptSettings on = defaults.withSchema(new SchemaSection(s.sampleValues(), s.foreignKeys(), s.format(),
                new ValuesSection(true, 0.9, 2), s.linking(), s.descriptions()));
        assertEquals("text2sql-v1+values", on.builder(ChatTemplate.chatMl()).templateId());
        assertEquals("0.9", on.describe().get("data.schema.values.min_similarity"));
        assertEquals("2", on.describe().get("data.schema.values.per_column"));

        PromptSettings compact = defaults.withSchema(new SchemaSection(s.sampleValues(), s.foreignKeys(),
                SchemaSerializer.Format.COMPACT, new ValuesSection(true, 0.9, 2), s.linking(), s.descriptions()));
        assertEquals("text2sql-v1", compact.builder(ChatTemplate.chatMl()).templateId(), "compact schemas show no values");
    }
}
