package dev.sqlrl.data.values;

/**
 * A database value that the question mentions.
 *
 * @param table      the table, as the database spells it
 * @param column     the column, as the database spells it
 * @param value      the stored text
 * @param similarity 1 for an exact mention (the value's words appear in the question), below 1 for a fuzzy one
 */
public record ValueMatch(String table, String column, String value, double similarity) {
    public boolean exact() {
        return similarity >= 1.0;
    }
}
