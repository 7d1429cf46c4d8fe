package dev.sqlrl.serve;

import java.util.List;

/** SQL the validation layer refused: 400 with code invalid_sql and the problems listed. */
public final class InvalidSqlException extends RuntimeException {
    private final List<String> problems;

    public InvalidSqlException(List<String> problems) {
        super("the SQL was refused: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
