package dev.sqlrl.demo.company;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.sql.ExecutionResult;
import dev.sqlrl.sql.SandboxLimits;
import dev.sqlrl.sql.SqlSandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompanyQuestionsTest {
    private static final long SEED = 11;
    private static final Pattern UPPER_CASE_AGGREGATE = Pattern.compile("\\b(COUNT|SUM|AVG|MIN|MAX)\\(");

    @TempDir
    static Path dir;
    static Path database;
    static CompanyQuestions.Split split;

    @BeforeAll
    static void generate() {
        database = dir.resolve("company.sqlite");
        CompanyDatabase.create(database, SEED);
        split = CompanyQuestions.generate(database, SEED);
    }

    private static List<QuestionPair> all() {
        return Stream.of(split.train(), split.validation(), split.test()).flatMap(List::stream).toList();
    }

    @Test
    void everyGoldQueryRunsInTheSandboxAndReturnsAValue() {
        try (SqlSandbox sandbox = new SqlSandbox(SandboxLimits.defaults())) {
            for (QuestionPair pair : all()) {
                ExecutionResult result = sandbox.execute(database, pair.sql());
                assertTrue(result.isSuccess(), pair.sql() + ": " + result.summary());
                assertTrue(result.rows().stream().flatMap(List::stream).anyMatch(Objects::nonNull),
                        "empty or all-NULL result: " + pair.sql());
            }
        }
    }

    @Test
    void slotValueAppearsVerbatimInQuestionAndSql() {
        for (QuestionPair pair : all()) {
            assertTrue(pair.question().contains(pair.slotValue()), pair.question());
            assertTrue(pair.sql().contains("'" + pair.slotValue() + "'"), pair.sql());
        }
    }

    @Test
    void testValuesAreNeverSeenWithTheirTemplateInTraining() {
        Map<String, Set<String>> trainValues = valuesByTemplate(split.train());
        Map<String, Set<String>> testValues = valuesByTemplate(split.test());
        Set<String> templateIds = QuestionTemplate.bundled().stream().map(QuestionTemplate::id).collect(Collectors.toSet());
        assertEquals(templateIds, trainValues.keySet(), "every template has train questions");
        assertEquals(templateIds, testValues.keySet(), "every template has test questions");
        for (String id : templateIds) {
            Set<String> shared = new HashSet<>(trainValues.get(id));
            shared.retainAll(testValues.get(id));
            assertEquals(Set.of(), shared, "template " + id + " uses these values in both splits");
        }
        // The held-out values are still seen in training, through other templates or the schema.
        Set<String> allTrainValues = split.train().stream().map(QuestionPair::slotValue).collect(Collectors.toSet());
        long testValuesSeenElsewhere = split.test().stream().map(QuestionPair::slotValue).filter(allTrainValues::contains).count();
        assertTrue(testValuesSeenElsewhere > split.test().size() / 2,
                testValuesSeenElsewhere + " of " + split.test().size() + " test values appear in some train question");
    }

    /** Choosing checkpoints on validation must not peek at test, nor at what training saw. */
    @Test
    void validationValuesAreNeverSeenWithTheirTemplateInTrainingOrTest() {
        Map<String, Set<String>> trainValues = valuesByTemplate(split.train());
        Map<String, Set<String>> testValues = valuesByTemplate(split.test());
        Map<String, Set<String>> validationValues = valuesByTemplate(split.validation());
        assertTrue(validationValues.size() >= 6, "validation covers " + validationValues.size() + " templates");
        for (Map.Entry<String, Set<String>> e : validationValues.entrySet()) {
            for (Map<String, Set<String>> other : List.of(trainValues, testValues)) {
                Set<String> shared = new HashSet<>(e.getValue());
                shared.retainAll(other.getOrDefault(e.getKey(), Set.of()));
                assertEquals(Set.of(), shared, "template " + e.getKey() + " validation values also used elsewhere");
            }
        }
    }

    @Test
    void countsAreInTheIntendedRange() {
        List<QuestionTemplate> templates = QuestionTemplate.bundled();
        assertTrue(templates.size() >= 10 && templates.size() <= 14, templates.size() + " templates");
        assertEquals(EnumSet.allOf(QuestionTemplate.Difficulty.class),
                templates.stream().map(QuestionTemplate::difficulty).collect(Collectors.toCollection(
                        () -> EnumSet.noneOf(QuestionTemplate.Difficulty.class))));
        assertTrue(split.train().size() >= 300 && split.train().size() <= 500, split.train().size() + " train pairs");
        assertTrue(split.test().size() >= 60 && split.test().size() <= 100, split.test().size() + " test pairs");
        assertTrue(split.validation().size() >= 25 && split.validation().size() <= 60,
                split.validation().size() + " validation pairs");
        Set<String> questions = all().stream().map(QuestionPair::question).collect(Collectors.toSet());
        assertEquals(all().size(), questions.size(), "no question is asked twice");
    }

    @Test
    void sqlHasOneRegularStyle() {
        for (QuestionPair pair : all()) {
            String sql = pair.sql();
            assertFalse(sql.contains(";") || sql.contains("\"") || sql.contains("  ") || sql.contains("\n"), sql);
            assertFalse(UPPER_CASE_AGGREGATE.matcher(sql).find(), "aggregates are lower case: " + sql);
            assertFalse(sql.matches("(?i).*\\bAS\\b.*"), "no aliases: " + sql);
            assertTrue(sql.startsWith("SELECT "), sql);
        }
    }

    @Test
    void theSeedDecidesTheSplit() {
        CompanyQuestions.Split again = CompanyQuestions.generate(database, SEED);
        assertEquals(split, again);
        CompanyQuestions.Split other = CompanyQuestions.generate(database, SEED + 1);
        assertNotEquals(valuesByTemplate(split.test()), valuesByTemplate(other.test()));
    }

    private static Map<String, Set<String>> valuesByTemplate(List<QuestionPair> pairs) {
        return pairs.stream().collect(Collectors.groupingBy(QuestionPair::templateId,
                Collectors.mapping(QuestionPair::slotValue, Collectors.toSet())));
    }

    @Test
    void templatesWithTooFewAnswerableValuesAreRefused() {
        var lonely = new QuestionTemplate("one_value", QuestionTemplate.Difficulty.EASY, "city",
                "SELECT city FROM companies ORDER BY id LIMIT 1", "List the companies in {city}.",
                "SELECT name FROM companies WHERE city = '{city}'");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> CompanyQuestions.generate(database, new ArrayList<>(List.of(lonely)), SEED, 0.2));
        assertTrue(e.getMessage().contains("one_value"), e.getMessage());
    }
}
