package dev.sqlrl.sql.spider;

import java.util.Locale;

/** Spider's difficulty levels, as evaluation.py's {@code eval_hardness} assigns them. */
public enum Hardness {
    EASY, MEDIUM, HARD, EXTRA;

    /** The name Spider prints: easy, medium, hard, extra. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
