package dev.sqlrl.demo.company;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A question/SQL pattern with one slot, e.g. "How many staff work in {city}?" and
 * {@code SELECT count(*) ... WHERE companies.city = '{city}'}. The slot's value is written verbatim
 * into both. Templates are read from {@code demo/company-questions.yaml}.
 *
 * @param id         stable name, recorded with every generated pair
 * @param difficulty how hard the SQL is (single table / one join with an aggregate / two joins)
 * @param slot       the placeholder's name
 * @param valuesSql  query over the database whose rows are the slot's values
 * @param question   the question with {slot}
 * @param sql        the gold SQL with {slot}
 */
public record QuestionTemplate(String id, Difficulty difficulty, String slot, String valuesSql, String question,
                               String sql) {
    static final String RESOURCE = "demo/company-questions.yaml";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    public enum Difficulty {
        EASY, MEDIUM, HARD;

        /** The label written to the dataset's difficulty field. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public QuestionTemplate {
        String placeholder = "{" + slot + "}";
        if (!question.contains(placeholder) || !sql.contains(placeholder)) {
            throw new IllegalArgumentException("template '" + id + "': question and sql must both contain " + placeholder);
        }
    }

    /** The question with {@code value} in the slot. */
    public String questionFor(String value) {
        return question.replace("{" + slot + "}", value);
    }

    /** The gold SQL with {@code value} in the slot. */
    public String sqlFor(String value) {
        return sql.replace("{" + slot + "}", value);
    }

    /** The templates shipped with sqlrl. */
    public static List<QuestionTemplate> bundled() {
        JsonNode root = BundledYaml.read(RESOURCE);
        JsonNode slots = root.get("slots");
        if (slots == null || !slots.isObject()) {
            throw new IllegalStateException(RESOURCE + ": 'slots' must map each slot name to the query of its values");
        }
        JsonNode templates = root.get("templates");
        if (templates == null || !templates.isArray() || templates.isEmpty()) {
            throw new IllegalStateException(RESOURCE + ": 'templates' must be a non-empty list");
        }
        List<QuestionTemplate> parsed = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode node : templates) {
            String where = "templates[" + parsed.size() + "]";
            String id = BundledYaml.text(node, "id", RESOURCE, where);
            where = "template '" + id + "'";
            if (!ids.add(id)) {
                throw new IllegalStateException(RESOURCE + ": template id '" + id + "' appears twice");
            }
            String question = BundledYaml.text(node, "question", RESOURCE, where);
            String sql = BundledYaml.text(node, "sql", RESOURCE, where);
            String slot = onlySlot(question, RESOURCE + ": " + where + " 'question'");
            if (!slot.equals(onlySlot(sql, RESOURCE + ": " + where + " 'sql'"))) {
                throw new IllegalStateException(RESOURCE + ": " + where + ": question and sql name different slots");
            }
            if (!slots.has(slot)) {
                throw new IllegalStateException(RESOURCE + ": " + where + ": slot '" + slot + "' is not defined under 'slots'");
            }
            Difficulty difficulty;
            String label = BundledYaml.text(node, "difficulty", RESOURCE, where);
            try {
                difficulty = Difficulty.valueOf(label.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(RESOURCE + ": " + where + ": difficulty '" + label + "' is not easy, medium or hard");
            }
            parsed.add(new QuestionTemplate(id, difficulty, slot, BundledYaml.text(slots, slot, RESOURCE, "'slots'"),
                    question, sql));
        }
        return List.copyOf(parsed);
    }

    private static String onlySlot(String text, String where) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        Set<String> names = new HashSet<>();
        int occurrences = 0;
        while (matcher.find()) {
            names.add(matcher.group(1));
            occurrences++;
        }
        if (names.size() != 1 || occurrences != 1) {
            throw new IllegalStateException(where + " must hold exactly one {slot}, found " + occurrences + " in: " + text);
        }
        return names.iterator().next();
    }
}
