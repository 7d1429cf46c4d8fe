package dev.sqlrl.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.data.AnswerFormat;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.TestDatabases;
import dev.sqlrl.sql.ExecutionMatch;
import dev.sqlrl.sql.MatchOptions;
import dev.sqlrl.sql.SandboxLimits;
import dev.sqlrl.sql.SqlSandbox;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every reward component on the BIRD-layout fixture (customers/orders). */
class SqlRewardFunctionTest {
    @TempDir
    static Path temp;

    private static SqlSandbox sandbox;
    private static ExecutionMatch executionMatch;
    private static Dataset dataset;
    private static Example franceCount;

    @BeforeAll
    static void setUp() throws IOException {
        dataset = DatasetLoader.load(TestDatabases.birdMini(temp), "dev");
        franceCount = dataset.examples().get(0);
        sandbox = new SqlSandbox(SandboxLimits.defaults());
        executionMatch = new ExecutionMatch(sandbox, MatchOptions.bird().withThreads(1));
    }

    @AfterAll
    static void tearDown() {
        executionMatch.close();
        sandbox.close();
    }

    private static SqlRewardFunction rewards(RewardConfig config) {
        return new SqlRewardFunction(config, AnswerFormat.SQL_FENCE, dataset::schemaOf, executionMatch);
    }

    @Test
    void correctAnswerInTheAskedFormat() {
        RewardBreakdown reward = rewards(RewardConfig.defaults()).score(
                "Count French customers:\n```sql\nSELECT count(*) FROM customers WHERE country = 'France';\n```", franceCount);
        assertEquals(ExecutionOutcome.CORRECT, reward.outcome());
        assertEquals(1.0, reward.get(RewardComponent.EXECUTION));
        assertEquals(1.0, reward.get(RewardComponent.SYNTAX));
        assertEquals(1.0, reward.get(RewardComponent.SCHEMA_GROUNDING));
        assertEquals(1.0, reward.get(RewardComponent.FORMAT));
        assertEquals(1.0, reward.get(RewardComponent.CLAUSE_F1), 1e-9);
        assertEquals(0.0, reward.get(RewardComponent.LENGTH));
        assertEquals(1.1, reward.total(), 1e-9, "execution 1 x 1 + format 1 x 0.1");
        assertEquals("SELECT count(*) FROM customers WHERE country = 'France'", reward.sql());
        assertNull(reward.detail());
    }

    @Test
    void runsButWrongGetsTheExecutableValueAndPartialClauseCredit() {
        RewardBreakdown reward = rewards(RewardConfig.defaults())
                .score("```sql\nSELECT count(*) FROM customers WHERE country = 'Spain'\n```", franceCount);
        assertEquals(ExecutionOutcome.EXECUTABLE_WRONG, reward.outcome());
        assertEquals(0.1, reward.get(RewardComponent.EXECUTION));
        assertEquals(1.0, reward.get(RewardComponent.SCHEMA_GROUNDING));
        // Spider drops values before matching, so only the literal differs: the clauses all match.
        assertEquals(1.0, reward.get(RewardComponent.CLAUSE_F1), 1e-9);

        RewardBreakdown other = rewards(RewardConfig.defaults())
                .score("```sql\nSELECT name FROM customers WHERE country = 'France'\n```", franceCount);
        double clause = other.get(RewardComponent.CLAUSE_F1);
        assertTrue(clause > 0.3 && clause < 1.0, "select differs, where and keywords match: " + clause);
    }

    @Test
    void unknownColumnFailsAndLowersGrounding() {
        RewardBreakdown reward = rewards(RewardConfig.defaults())
                .score("```sql\nSELECT count(*) FROM customers AS c WHERE c.nation = 'France'\n```", franceCount);
        assertEquals(ExecutionOutcome.FAILED, reward.outcome());
        assertEquals(0.0, reward.get(RewardComponent.EXECUTION));
        assertEquals(1.0, reward.get(RewardComponent.SYNTAX), "it parses; it just names a column that is not there");
        assertEquals(0.5, reward.get(RewardComponent.SCHEMA_GROUNDING), 1e-9, "customers exists, customers.nation does not");
        assertTrue(reward.detail().contains("nation"), reward.detail());
    }

    @Test
    void noSqlAndBrokenSql() {
        RewardBreakdown none = rewards(RewardConfig.defaults()).score("I do not know.", franceCount);
        assertEquals(ExecutionOutcome.NO_SQL, none.outcome());
        assertEquals(0.0, none.total());
        assertNull(none.sql());

        RewardBreakdown broken = rewards(RewardConfig.defaults()).score("```sql\nSELECT count(* FROM customers\n```", franceCount);
        assertEquals(ExecutionOutcome.FAILED, broken.outcome());
        assertEquals(0.0, broken.get(RewardComponent.SYNTAX));
        assertEquals(0.0, broken.get(RewardComponent.SCHEMA_GROUNDING));
        assertEquals(1.0, broken.get(RewardComponent.FORMAT), "the format is right even if the SQL is not");
        assertEquals(0.1, broken.total(), 1e-9);
    }

    @Test
    void truncatedNestedCompletionIsScoredPromptly() {
        String truncated = "```sql\nSELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE amount > "
                + "(SELECT avg(amount) FROM (SELECT amount FROM orders WHERE (((order_date";
        RewardBreakdown reward = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> rewards(RewardConfig.defaults()).score(truncated, franceCount));
        assertEquals(ExecutionOutcome.FAILED, reward.outcome());
        assertEquals(0.0, reward.get(RewardComponent.SYNTAX));
        assertEquals(0.0, reward.get(RewardComponent.CLAUSE_F1));
        assertEquals(0.0, reward.get(RewardComponent.FORMAT), "the fence is not closed");
    }

    @Test
    void weightsExecutionValuesAndLengthAreConfigurable() {
        RewardConfig config = RewardConfig.defaults()
                .withExecutionValues(2.0, 0.5, -1.0)
                .withWeight(RewardComponent.FORMAT, 0.0)
                .withWeight(RewardComponent.SYNTAX, 0.25)
                .withWeight(RewardComponent.LENGTH, 1.0)
                .withLength(100, 200);
        String completion = "x".repeat(100) + " SELECT count(*) FROM customers WHERE country = 'France'";
        RewardBreakdown reward = rewards(config).score(completion, franceCount);
        assertEquals(ExecutionOutcome.CORRECT, reward.outcome());
        assertEquals(0.0, reward.get(RewardComponent.FORMAT));
        double length = reward.get(RewardComponent.LENGTH);
        assertEquals(-(completion.length() - 100) / 100.0, length, 1e-9);
        assertTrue(length < -0.5 && length > -1);
        assertEquals(2.0 + 0.25 + length, reward.total(), 1e-9);
        RewardBreakdown failing = rewards(config).score("SELECT nothing FROM nowhere", franceCount);
        assertEquals(-1.0 + 0.25, failing.total(), 1e-9);
    }

    @Test
    void reasoningFormat() {
        SqlRewardFunction rewards = new SqlRewardFunction(RewardConfig.defaults(), AnswerFormat.THINK_ANSWER,
                dataset::schemaOf, executionMatch);
        RewardBreakdown reward = rewards.score("<think>French customers: filter on country.</think>\n"
                + "<answer>SELECT COUNT(*) FROM customers WHERE country = 'France'</answer>", franceCount);
        assertEquals(1.0, reward.get(RewardComponent.FORMAT));
        assertEquals(ExecutionOutcome.CORRECT, reward.outcome());
    }

    @Test
    void sameQueryWrittenDifferentlyHitsTheCache() {
        SqlRewardFunction rewards = rewards(RewardConfig.defaults());
        RewardBreakdown first = rewards.score("```sql\nSELECT count(*)\n  FROM customers WHERE country = 'France'\n```", franceCount);
        RewardBreakdown second = rewards.score("SELECT count(*) FROM customers   WHERE country = 'France';", franceCount);
        assertEquals(1, rewards.cacheMisses());
        assertEquals(1, rewards.cacheHits());
        assertEquals(first.get(RewardComponent.EXECUTION), second.get(RewardComponent.EXECUTION));
        assertEquals(0.0, second.get(RewardComponent.FORMAT), "format is scored per completion, not cached");
        // Whitespace inside a literal changes the query: a different key.
        rewards.score("SELECT count(*) FROM customers WHERE country = 'France  '", franceCount);
        assertEquals(2, rewards.cacheMisses());
    }
}
