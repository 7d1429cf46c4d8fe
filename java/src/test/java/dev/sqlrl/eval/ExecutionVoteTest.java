package dev.sqlrl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlrl.sql.ErrorCategory;
import dev.sqlrl.sql.ExecutionResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutionVoteTest {
    private static ExecutionResult rows(List<List<Object>> rows) {
        return ExecutionResult.success(List.of("c"), rows, 0, 0);
    }

    private static final ExecutionResult FAILED = ExecutionResult.failure(ErrorCategory.SYNTAX_ERROR, "near x", 0);

    @Test
    void largestGroupOfEqualResultsWins() {
        List<ExecutionResult> results = List.of(
                rows(List.of(List.of(1L))),
                rows(List.of(List.of(2L), List.of(3L))),
                FAILED,
                rows(List.of(List.of(3L), List.of(2L))), // same bag of rows as candidate 1, other order
                FAILED,
                FAILED);
        assertEquals(new ExecutionVote.Choice(1, 2), ExecutionVote.choose(results));
    }

    @Test
    void tiesGoToTheEarliestGroupAndFailuresDoNotVote() {
        assertEquals(new ExecutionVote.Choice(1, 1),
                ExecutionVote.choose(List.of(FAILED, rows(List.of(List.of(1L))), rows(List.of(List.of(2L))))));
        assertEquals(new ExecutionVote.Choice(0, 0), ExecutionVote.choose(List.of(FAILED, FAILED)));
    }
}
