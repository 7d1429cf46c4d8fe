package dev.sqlrl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import dev.sqlrl.sql.SandboxLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a split's loader says about examples that cannot be used: missing databases and gold SQL that does not run. */
class SplitCheckTest {
    @TempDir
    Path temp;

    /** The own-JSONL folder with a fourth example whose database file does not exist and a fifth whose gold SQL fails. */
    private Path withProblems() throws IOException {
        Path dir = TestDatabases.ownJsonl(temp);
        Files.writeString(dir.resolve("train.jsonl"), Files.readString(dir.resolve("train.jsonl"))
                + "{\"question\": \"q4\", \"sql\": \"SELECT 1\", \"db_path\": \"db/gone.sqlite\"}\n"
                + "{\"question\": \"q5\", \"sql\": \"SELECT no_such_column FROM product\", \"db_path\": \"db/inventory.sqlite\"}\n");
        return dir;
    }

    @Test
    void aMissingDatabaseStopsTheSplitUnlessAskedToSkipIt() throws IOException {
        Path dir = withProblems();
        UserInputException e = assertThrows(UserInputException.class, () -> DatasetLoader.load(dir, "train"));
        assertTrue(e.getMessage().contains("train.jsonl:5") && e.getMessage().contains("--skip-missing-databases"),
                e.getMessage());

        Dataset skipped = DatasetLoader.load(dir, "train", new DatasetLoader.Options(0, true));
        assertEquals(4, skipped.examples().size());
        assertEquals(1, skipped.missingDatabases().size());
        assertTrue(skipped.missingDatabases().getFirst().contains("train.jsonl:5")
                && skipped.missingDatabases().getFirst().contains("gone.sqlite"), skipped.missingDatabases().toString());
    }

    @Test
    void aLimitReadsOnlyTheExamplesItNeeds() throws IOException {
        Path dir = withProblems();
        // the missing database comes after the first three examples: not needed, not an error
        Dataset first = DatasetLoader.load(dir, "train", new DatasetLoader.Options(3, false));
        assertEquals(3, first.examples().size());
    }

    @Test
    void examplesKnowWhereTheyAreWritten() throws IOException {
        Dataset dataset = DatasetLoader.load(TestDatabases.ownJsonl(temp), "train");
        assertTrue(dataset.examples().get(0).location().endsWith("train.jsonl:1"), dataset.examples().get(0).location());
        assertTrue(dataset.examples().get(2).location().endsWith("train.jsonl:4"), "after the blank line: "
                + dataset.examples().get(2).location());
    }

    @Test
    void goldSqlThatDoesNotRunIsFoundByFileAndLine() throws IOException {
        Path dir = withProblems();
        Dataset dataset = DatasetLoader.load(dir, "train", new DatasetLoader.Options(0, true));
        List<GoldQueryCheck.Failure> failures = GoldQueryCheck.run(dataset, SandboxLimits.defaults());
        assertEquals(1, failures.size(), failures.toString());
        String line = failures.getFirst().describe();
        assertTrue(line.contains("train.jsonl:6") && line.contains("no_such_column"), line);
        // the second check of the same split is answered from the cache, with the same outcome
        assertEquals(failures, GoldQueryCheck.run(dataset, SandboxLimits.defaults()));
    }
}
