package dev.sqlrl.demo.company;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import dev.sqlrl.data.ChatTemplate;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLayout;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.Prompt;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.data.PromptTemplate;
import dev.sqlrl.data.SchemaSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompanyDatasetTest {
    private static final Set<String> WRITTEN_FILES = Set.of("company.sqlite", "train.jsonl", "val.jsonl", "dev.jsonl", "tokenizer-corpus.txt");

    @TempDir
    Path dir;

    @Test
    void folderLoadsWithTheDatasetLoaderAndRendersPrompts() {
        CompanyDataset.Written written = CompanyDataset.write(dir.resolve("demo"), 7);
        PromptBuilder prompts = new PromptBuilder(PromptTemplate.load(PromptTemplate.DEFAULT_ID), ChatTemplate.chatMl(),
                new SchemaSerializer(new SchemaSerializer.Options(true, CompanyDataset.PROMPT_SAMPLE_VALUES, 40)));
        for (String splitName : List.of(CompanyDataset.TRAIN_SPLIT, CompanyDataset.VALIDATION_SPLIT, CompanyDataset.TEST_SPLIT)) {
            Dataset dataset = DatasetLoader.load(dir.resolve("demo"), splitName);
            assertEquals(DatasetLayout.JSONL, dataset.layout());
            int expected = switch (splitName) {
                case CompanyDataset.TRAIN_SPLIT -> written.trainPairs();
                case CompanyDataset.VALIDATION_SPLIT -> written.validationPairs();
                default -> written.testPairs();
            };
            assertEquals(expected, dataset.examples().size());
            assertEquals(Set.of("company"), dataset.schemas().keySet());
            for (Example example : dataset.examples()) {
                assertEquals(written.database().toAbsolutePath().normalize(), example.dbPath());
                assertNotNull(example.difficulty(), example.id());
                Prompt prompt = prompts.build(example, dataset);
                assertTrue(prompt.text().contains("Question: " + example.question()), prompt.text());
                assertTrue(prompt.text().contains("FOREIGN KEY (staff_id) REFERENCES staff(id)"), prompt.text());
                assertTrue(prompt.text().endsWith("<|im_start|>assistant\n"), prompt.text());
            }
        }
    }

    @Test
    void sameSeedWritesTheSameFiles() throws Exception {
        CompanyDataset.Written first = CompanyDataset.write(dir.resolve("a"), 7);
        CompanyDataset.Written second = CompanyDataset.write(dir.resolve("b"), 7);
        assertEquals(Files.readString(first.trainFile()), Files.readString(second.trainFile()));
        assertEquals(Files.readString(first.testFile()), Files.readString(second.testFile()));
        assertEquals(Files.readString(first.tokenizerCorpus()), Files.readString(second.tokenizerCorpus()));
        assertEquals(TableContents.read(first.database()), TableContents.read(second.database()));
    }

    @Test
    void rewritingAFolderReplacesItsFilesAndLeavesNothingElse() throws Exception {
        Path folder = dir.resolve("demo");
        CompanyDataset.write(folder, 1);
        CompanyDataset.Written rewritten = CompanyDataset.write(folder, 2);
        CompanyDataset.Written fresh = CompanyDataset.write(dir.resolve("fresh"), 2);
        assertEquals(Files.readString(fresh.trainFile()), Files.readString(rewritten.trainFile()));
        assertEquals(TableContents.read(fresh.database()), TableContents.read(rewritten.database()));
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(WRITTEN_FILES, files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
    }

    @Test
    void aFileInPlaceOfTheFolderIsAUserError() throws Exception {
        Path file = Files.writeString(dir.resolve("demo"), "not a folder");
        UserInputException e = assertThrows(UserInputException.class, () -> CompanyDataset.write(file, 1));
        assertEquals(file + ": exists and is not a folder; the demo data needs a folder", e.getMessage());
    }

    @Test
    void tokenizerCorpusHoldsTheGenericCorpusSchemaAndEveryQuestion() throws Exception {
        CompanyDataset.Written written = CompanyDataset.write(dir.resolve("demo"), 7);
        String corpus = Files.readString(written.tokenizerCorpus());
        String generic;
        try (var in = getClass().getClassLoader().getResourceAsStream(CompanyTokenizerCorpus.GENERIC_CORPUS_RESOURCE)) {
            generic = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(corpus.startsWith(generic), "the generic corpus comes first");
        assertTrue(corpus.contains(CompanyDataset.schemaText(written.database()).strip()));
        Set<String> lines = new HashSet<>(List.of(corpus.split("\n")));
        for (String splitName : List.of(CompanyDataset.TRAIN_SPLIT, CompanyDataset.TEST_SPLIT)) {
            for (Example example : DatasetLoader.load(dir.resolve("demo"), splitName).examples()) {
                assertTrue(lines.contains("Question: " + example.question()), example.question());
                assertTrue(lines.contains(example.goldSql()), example.goldSql());
            }
        }
    }
}
