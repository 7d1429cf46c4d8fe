package dev.sqlrl.serve;

import java.util.List;

/**
 * What the validation layer found about one SQL text.
 *
 * @param valid    true when the SQL may run: it parses, is one SELECT (or WITH ... SELECT), and every table and
 *                 column it names exists in the database
 * @param problems one line per problem, naming the unknown table or column or the forbidden statement; empty when valid
 */
public record SqlValidation(boolean valid, List<String> problems) {
    public SqlValidation {
        problems = List.copyOf(problems);
    }

    public static SqlValidation ok() {
        return new SqlValidation(true, List.of());
    }

    public static SqlValidation refused(List<String> problems) {
        return new SqlValidation(false, problems);
    }
}
