package dev.sqlrl.demo.company;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.data.ChatTemplate;
import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.data.PromptTemplate;
import dev.sqlrl.data.PromptTokenCounter;
import dev.sqlrl.data.SchemaSerializer;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.init.ModelInitializer;
import dev.sqlrl.model.init.ModelSize;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains the tiny model's tokenizer the way {@code sqlrl init-model --tokenizer-corpus} does and
 * measures what the demo's prompts and gold SQL cost in tokens (printed for the record).
 */
class CompanyTokenizerCorpusTest {
    /** Words that start a line, so they follow no space. */
    private static final List<String> LINE_START_WORDS = List.of("SELECT", "CREATE");
    private static final List<String> SQL_WORDS = List.of("FROM", "WHERE", "JOIN", "ON", "count", "sum", "max",
            "TABLE", "INTEGER", "TEXT", "PRIMARY", "KEY", "FOREIGN", "REFERENCES");

    @TempDir
    Path dir;

    @Test
    void demoCorpusMakesSchemaWordsSingleTokensAndPromptsShort() {
        CompanyDataset.Written written = CompanyDataset.write(dir.resolve("demo"), 7);
        Path demoModel = tinyModel(dir.resolve("demo-model"), written.tokenizerCorpus());
        Path genericModel = tinyModel(dir.resolve("generic-model"), null);

        Texts texts = texts(demoModel);
        Lengths demo = lengths(demoModel, texts);
        Lengths generic = lengths(genericModel, texts);
        System.out.printf("tokenizer %s: prompt tokens mean %.1f max %d, gold SQL tokens mean %.1f max %d%n",
                "demo corpus", demo.prompts.getAverage(), demo.prompts.getMax(), demo.sql.getAverage(), demo.sql.getMax());
        System.out.printf("tokenizer %s: prompt tokens mean %.1f max %d, gold SQL tokens mean %.1f max %d%n",
                "generic corpus", generic.prompts.getAverage(), generic.prompts.getMax(), generic.sql.getAverage(),
                generic.sql.getMax());

        assertTrue(demo.prompts.getMax() <= 512, "longest prompt " + demo.prompts.getMax() + " tokens");
        assertTrue(demo.sql.getAverage() <= 40, "mean gold SQL " + demo.sql.getAverage() + " tokens");
        assertTrue(demo.prompts.getAverage() < 0.9 * generic.prompts.getAverage(),
                "the demo corpus should shorten prompts: " + demo.prompts.getAverage() + " vs " + generic.prompts.getAverage());

        DatabaseSchema schema = DatasetLoader.load(dir.resolve("demo"), "train").schemas().get("company");
        List<String> words = new ArrayList<>(SQL_WORDS);
        for (DatabaseSchema.Table table : schema.tables()) {
            words.add(table.name());
            // The byte-level pre-tokenizer splits identifiers at '_', so each part is a word of its own.
            table.columns().forEach(column -> words.addAll(List.of(column.name().split("_"))));
        }
        try (PromptTokenCounter counter = PromptTokenCounter.open(demoModel)) {
            for (String word : LINE_START_WORDS) {
                assertEquals(1, counter.count(word), "'" + word + "' should be one token");
            }
            for (String word : words) {
                assertEquals(1, counter.count(" " + word), "'" + word + "' should be one token");
            }
        }
    }

    private static Path tinyModel(Path out, Path corpus) {
        ModelInitializer.create(new ModelInitializer.Options(ModelConfig.Architecture.QWEN2, ModelSize.TINY, out, corpus, 0, 0));
        return out;
    }

    private record Texts(List<String> prompts, List<String> answers) {}

    private record Lengths(IntSummaryStatistics prompts, IntSummaryStatistics sql) {}

    /**
     * Every prompt (text2sql-v1 through the model's chat template, ChatML for init-model's models)
     * and fenced gold SQL of every split.
     */
    private Texts texts(Path model) {
        PromptBuilder builder = new PromptBuilder(PromptTemplate.load(PromptTemplate.DEFAULT_ID), ChatTemplate.fromModelDir(model),
                new SchemaSerializer(new SchemaSerializer.Options(true, CompanyDataset.PROMPT_SAMPLE_VALUES, 40)));
        List<String> prompts = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (String split : List.of(CompanyDataset.TRAIN_SPLIT, CompanyDataset.VALIDATION_SPLIT, CompanyDataset.TEST_SPLIT)) {
            Dataset dataset = DatasetLoader.load(dir.resolve("demo"), split);
            for (Example example : dataset.examples()) {
                prompts.add(builder.build(example, dataset).text());
                answers.add("```sql\n" + example.goldSql() + "\n```");
            }
        }
        return new Texts(prompts, answers);
    }

    private static Lengths lengths(Path model, Texts texts) {
        try (PromptTokenCounter counter = PromptTokenCounter.open(model)) {
            return new Lengths(texts.prompts().stream().mapToInt(counter::count).summaryStatistics(),
                    texts.answers().stream().mapToInt(counter::count).summaryStatistics());
        }
    }
}
