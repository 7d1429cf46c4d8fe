package dev.sqlrl.sql.spider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-component scores of evaluation.py's {@code eval_partial_match}, under its names: select,
 * select(no AGG), where, where(no OP), group(no Having), group, order, and/or, IUEN, keywords.
 */
public record PartialMatch(Map<String, ComponentScore> components) {
    public static final String SELECT = "select";
    public static final String SELECT_NO_AGG = "select(no AGG)";
    public static final String WHERE = "where";
    public static final String WHERE_NO_OP = "where(no OP)";
    public static final String GROUP_NO_HAVING = "group(no Having)";
    public static final String GROUP = "group";
    public static final String ORDER = "order";
    public static final String AND_OR = "and/or";
    public static final String IUEN = "IUEN";
    public static final String KEYWORDS = "keywords";

    public PartialMatch {
        components = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
    }

    public ComponentScore get(String component) {
        ComponentScore score = components.get(component);
        if (score == null) {
            throw new IllegalArgumentException("no partial-match component '" + component + "'; have " + components.keySet());
        }
        return score;
    }

    /** Every component at the evaluator's F1 of 1: the first condition of exact match. */
    public boolean allComponentsMatch() {
        return components.values().stream().allMatch(score -> score.f1() == 1);
    }
}
