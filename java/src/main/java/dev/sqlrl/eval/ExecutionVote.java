package dev.sqlrl.eval;

import dev.sqlrl.sql.ExecutionResult;
import dev.sqlrl.sql.ResultComparator;
import java.util.ArrayList;
import java.util.List;

/**
 * Self-consistency voting (vote@k): candidates are grouped by their execution results, two results
 * being the same when Spider's comparison accepts them as bags of rows (order is not compared: the
 * vote must not depend on the gold query); the largest group wins, ties go to the group whose first
 * member comes first, and candidates that failed to execute do not vote.
 */
public final class ExecutionVote {
    private ExecutionVote() {}

    /**
     * @param index index of the chosen candidate (the first of the winning group; 0 when none executed)
     * @param votes size of the winning group (0 when none executed)
     */
    public record Choice(int index, int votes) {}

    public static Choice choose(List<ExecutionResult> results) {
        List<List<Integer>> groups = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            ExecutionResult result = results.get(i);
            if (!result.isSuccess()) {
                continue;
            }
            List<Integer> group = null;
            for (List<Integer> candidate : groups) {
                if (ResultComparator.spiderMatch(results.get(candidate.getFirst()).rows(), result.rows(), false)) {
                    group = candidate;
                    break;
                }
            }
            if (group == null) {
                group = new ArrayList<>();
                groups.add(group);
            }
            group.add(i);
        }
        List<Integer> best = null;
        for (List<Integer> group : groups) {
            if (best == null || group.size() > best.size()) {
                best = group;
            }
        }
        return best == null ? new Choice(0, 0) : new Choice(best.getFirst(), best.size());
    }
}
