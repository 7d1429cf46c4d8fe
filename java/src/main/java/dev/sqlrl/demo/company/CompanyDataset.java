package dev.sqlrl.demo.company;

import dev.sqlrl.DurableFiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.data.PromptTemplate;
import dev.sqlrl.data.SchemaSerializer;
import dev.sqlrl.data.SqliteSchemaReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the demo's dataset folder in the JSONL layout that {@code DatasetLoader} reads:
 * {@code company.sqlite}, {@code train.jsonl}, {@code val.jsonl} (held-out questions for choosing checkpoints),
 * {@code dev.jsonl} (other held-out questions: the test split whose EX is reported) and
 * {@code tokenizer-corpus.txt} for {@code sqlrl init-model --tokenizer-corpus}. Every file is
 * written atomically; the same seed gives the same files.
 */
public final class CompanyDataset {
    public static final String DATABASE_FILE = "company.sqlite";
    public static final String TRAIN_SPLIT = "train";
    public static final String VALIDATION_SPLIT = "val";
    public static final String TEST_SPLIT = "dev";
    public static final String TOKENIZER_CORPUS_FILE = "tokenizer-corpus.txt";
    /** Sample values per column in the schema text the corpus carries (what the demo's prompts show). */
    public static final int PROMPT_SAMPLE_VALUES = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What {@link #write} produced.
     *
     * @param database        the SQLite file
     * @param trainFile       train.jsonl
     * @param validationFile  val.jsonl: questions for choosing checkpoints, on slot values neither train nor test uses
     *                        with their template
     * @param testFile        dev.jsonl: questions whose slot values the train split never uses with their template
     * @param tokenizerCorpus text to train the demo model's tokenizer on
     * @param trainPairs      records in train.jsonl
     * @param validationPairs records in val.jsonl
     * @param testPairs       records in dev.jsonl
     */
    public record Written(Path database, Path trainFile, Path validationFile, Path testFile, Path tokenizerCorpus,
                          int trainPairs, int validationPairs, int testPairs) {}

    private CompanyDataset() {}

    /**
     * Writes the dataset of {@code seed} into {@code dir} (created when missing; files of a former
     * write are replaced), with a tokenizer corpus shaped by the default prompt template.
     */
    public static Written write(Path dir, long seed) {
        return write(dir, seed, PromptTemplate.load(PromptTemplate.DEFAULT_ID));
    }

    /** As {@link #write(Path, long)}, with the tokenizer corpus holding the prompts of {@code promptTemplate}. */
    public static Written write(Path dir, long seed, PromptTemplate promptTemplate) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserInputException(dir + ": exists and is not a folder; the demo data needs a folder");
        }
        Path database = dir.resolve(DATABASE_FILE);
        CompanyDatabase.create(database, seed);
        CompanyQuestions.Split split = CompanyQuestions.generate(database, seed);
        Path trainFile = dir.resolve(TRAIN_SPLIT + ".jsonl");
        Path validationFile = dir.resolve(VALIDATION_SPLIT + ".jsonl");
        Path testFile = dir.resolve(TEST_SPLIT + ".jsonl");
        DurableFiles.writeString(trainFile, jsonl(TRAIN_SPLIT, split.train()));
        DurableFiles.writeString(validationFile, jsonl(VALIDATION_SPLIT, split.validation()));
        DurableFiles.writeString(testFile, jsonl(TEST_SPLIT, split.test()));
        Path corpus = dir.resolve(TOKENIZER_CORPUS_FILE);
        DurableFiles.writeString(corpus, CompanyTokenizerCorpus.text(promptTemplate, schemaText(database), split));
        return new Written(database, trainFile, validationFile, testFile, corpus, split.train().size(),
                split.validation().size(), split.test().size());
    }

    /** The schema as prompts show it: DDL with keys and {@link #PROMPT_SAMPLE_VALUES} sample values per column. */
    static String schemaText(Path database) {
        SchemaSerializer serializer = new SchemaSerializer(new SchemaSerializer.Options(true, PROMPT_SAMPLE_VALUES,
                SchemaSerializer.Options.DEFAULT.maxValueLength()));
        return serializer.serialize(SqliteSchemaReader.read("company", database), database);
    }

    private static String jsonl(String split, List<QuestionPair> pairs) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pairs.size(); i++) {
            QuestionPair pair = pairs.get(i);
            ObjectNode record = JSON.createObjectNode();
            record.put("id", split + "-" + i);
            record.put("question", pair.question());
            record.put("sql", pair.sql());
            record.put("db_path", DATABASE_FILE);
            record.put("difficulty", pair.difficulty().key());
            record.put("template", pair.templateId());
            try {
                out.append(JSON.writeValueAsString(record)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialize record " + i + " of " + split, e);
            }
        }
        return out.toString();
    }
}
