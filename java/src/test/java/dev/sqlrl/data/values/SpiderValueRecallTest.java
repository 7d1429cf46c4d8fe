package dev.sqlrl.data.values;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.config.ValuesSection;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.ReadOnlySqlite;
import dev.sqlrl.data.TestResources;
import dev.sqlrl.data.link.GoldReferences;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target on the Spider sample: with retrieval on (the default threshold and cap), at least 90% of the
 * gold queries' string literals that are stored values of the database are among the values shown.
 */
class SpiderValueRecallTest {
    @TempDir
    Path temp;

    @Test
    void goldLiteralsThatAreStoredValuesAreRetrieved() throws Exception {
        Dataset dataset = DatasetLoader.load(TestResources.spiderSample(), "train");
        ValuesSection settings = ValuesSection.defaults();
        int literals = 0;
        int found = 0;
        long shown = 0;
        List<String> missed = new ArrayList<>();
        try (ValueIndexCache cache = new ValueIndexCache(temp, ValueRetrievalTest.quiet())) {
            ValueRetriever retriever = new ValueRetriever(cache, settings);
            for (Example example : dataset.examples()) {
                List<ValueMatch> matches = retriever.matches(example.dbPath(), example.question());
                shown += matches.size();
                for (String literal : storedLiterals(example, dataset.schemaOf(example))) {
                    literals++;
                    if (matches.stream().anyMatch(m -> m.value().equalsIgnoreCase(literal))) {
                        found++;
                    } else if (missed.size() < 15) {
                        missed.add(literal + " <- " + example.question());
                    }
                }
            }
        }
        double recall = (double) found / literals;
        System.out.printf("value recall on the Spider sample: %d/%d = %.3f; %.2f values shown per question%n",
                found, literals, recall, (double) shown / dataset.examples().size());
        assertTrue(literals > 300, "the sample has enough literals to measure: " + literals);
        assertTrue(recall >= 0.9, "recall " + recall + "; missed e.g. " + String.join("\n", missed));
    }

    /** The gold query's string literals that some text column of the database stores as a whole value. */
    private static List<String> storedLiterals(Example example, DatabaseSchema schema) {
        try (Connection connection = ReadOnlySqlite.open(example.dbPath())) {
            return GoldReferences.of(example.goldSql(), schema, connection).literals().stream()
                    .map(GoldReferences.StoredLiteral::value).toList();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
