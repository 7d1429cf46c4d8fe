package dev.sqlrl.reward;

import java.util.Locale;

/** The parts a completion's reward is made of; each is reported even when its weight is 0. */
public enum RewardComponent {
    /** Runs and matches the gold result: correct / executable-but-wrong / failed values. */
    EXECUTION,
    /** JSqlParser parses the extracted SQL as one SELECT: 1 or 0. */
    SYNTAX,
    /** Fraction of the referenced tables and columns that exist in the schema. */
    SCHEMA_GROUNDING,
    /** The completion follows the prompt template's answer format: 1 or 0. */
    FORMAT,
    /** Mean graded F1 of Spider's clause components against the gold. */
    CLAUSE_F1,
    /** 0 up to the target length, falling linearly to -1 at the maximum length. */
    LENGTH;

    /** The name used in configurations and reports (execution, schema_grounding, ...). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The component a configuration key names; the error lists the known keys. */
    public static RewardComponent fromKey(String key) {
        for (RewardComponent component : values()) {
            if (component.key().equals(key)) {
                return component;
            }
        }
        throw new IllegalArgumentException("unknown reward component '" + key + "'; known: "
                + java.util.Arrays.stream(values()).map(RewardComponent::key).toList());
    }
}
