package dev.sqlrl.demo.company;

import dev.sqlrl.sql.ExecutionResult;
import dev.sqlrl.sql.SandboxLimits;
import dev.sqlrl.sql.SqlSandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Fills the question templates with values from the company database and splits the pairs into
 * train and test by slot value: for each template its values are partitioned with the seed, so a
 * test question never uses a value that template was trained with (the value still exists in the
 * database, in other templates and in the schema's sample values). Gold SQL runs in the sandbox;
 * a value whose gold result is empty or all NULL is left out before the split.
 */
public final class CompanyQuestions {
    /** Share of each template's values held out of training (at least one value): for validation and test. */
    public static final double HELD_OUT_FRACTION = 0.2;

    /**
     * The generated pairs, each list in a seeded random order that mixes the templates. Validation (for choosing
     * checkpoints) and test (for the reported EX) both use slot values training never saw with their template, and
     * never the same ones: of the held-out pairs (shuffled), every third goes to validation, the others to test.
     *
     * @param heldOut validation and test together, in the order they were drawn (the tokenizer corpus reads them so,
     *                which keeps the demo's tokenizer what it was before validation was split off)
     */
    public record Split(List<QuestionPair> train, List<QuestionPair> validation, List<QuestionPair> test,
                        List<QuestionPair> heldOut) {
        public Split {
            train = List.copyOf(train);
            validation = List.copyOf(validation);
            test = List.copyOf(test);
            heldOut = List.copyOf(heldOut);
        }
    }

    private CompanyQuestions() {}

    /** The bundled templates over {@code database}, split with {@code seed}. */
    public static Split generate(Path database, long seed) {
        return generate(database, QuestionTemplate.bundled(), seed, HELD_OUT_FRACTION);
    }

    /**
     * Fills {@code templates} with the values their slot queries return from {@code database} and
     * holds out {@code heldOutFraction} of each template's answerable values (at least one) for validation and test.
     */
    public static Split generate(Path database, List<QuestionTemplate> templates, long seed, double heldOutFraction) {
        if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("heldOutFraction must be in (0, 1), got " + heldOutFraction);
        }
        List<QuestionPair> train = new ArrayList<>();
        List<QuestionPair> held = new ArrayList<>();
        List<QuestionPair> validation = new ArrayList<>();
        List<QuestionPair> test = new ArrayList<>();
        try (SqlSandbox sandbox = new SqlSandbox(SandboxLimits.defaults(), 1)) {
            for (QuestionTemplate template : templates) {
                List<QuestionPair> pairs = answerablePairs(sandbox, database, template);
                if (pairs.size() < 2) {
                    throw new IllegalStateException("template '" + template.id() + "' has " + pairs.size()
                            + " answerable values in " + database + "; a train/test split needs two");
                }
                // A random stream per template: adding or reordering templates leaves the others' splits alone.
                Collections.shuffle(pairs, new Random(seed * 1_000_003L + template.id().hashCode()));
                int heldOut = Math.clamp(Math.round(pairs.size() * heldOutFraction), 1, pairs.size() - 1);
                held.addAll(pairs.subList(0, heldOut));
                train.addAll(pairs.subList(heldOut, pairs.size()));
            }
        }
        Random order = new Random(seed);
        Collections.shuffle(train, order);
        Collections.shuffle(held, order);
        // of each template's held-out pairs (in the shuffled order), every third chooses checkpoints: every template
        // keeps test questions, and those with three or more held out get validation questions too
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (QuestionPair pair : held) {
            int index = seen.merge(pair.templateId(), 1, Integer::sum) - 1;
            (index % 3 == 2 ? validation : test).add(pair);
        }
        return new Split(train, validation, test, held);
    }

    private static List<QuestionPair> answerablePairs(SqlSandbox sandbox, Path database, QuestionTemplate template) {
        ExecutionResult values = sandbox.execute(database, template.valuesSql());
        if (!values.isSuccess()) {
            throw new IllegalStateException("template '" + template.id() + "': values of slot '" + template.slot()
                    + "' failed: " + values.summary() + " (" + template.valuesSql() + ")");
        }
        List<QuestionPair> pairs = new ArrayList<>();
        for (List<Object> row : values.rows()) {
            if (row.size() != 1 || !(row.get(0) instanceof String value)) {
                throw new IllegalStateException("template '" + template.id() + "': the values query of slot '"
                        + template.slot() + "' must return one text column, got " + row);
            }
            String sql = template.sqlFor(value);
            ExecutionResult gold = sandbox.execute(database, sql);
            if (!gold.isSuccess()) {
                throw new IllegalStateException("template '" + template.id() + "': gold SQL failed: " + gold.summary() + ": " + sql);
            }
            if (hasNonNullValue(gold)) {
                pairs.add(new QuestionPair(template.id(), template.difficulty(), value, template.questionFor(value), sql));
            }
        }
        return pairs;
    }

    private static boolean hasNonNullValue(ExecutionResult result) {
        return result.rows().stream().flatMap(List::stream).anyMatch(Objects::nonNull);
    }
}
