package dev.sqlrl.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EX against the labels the official Spider evaluator gave the sample's 8,604 pairs. */
class OfficialLabelsAgreementTest {

    @Test
    void executionMatchAgreesWithTheOfficialEvaluator() {
        List<SpiderSample.Label> labels = SpiderSample.labels();
        List<MatchRequest> requests = labels.stream()
                .map(l -> new MatchRequest(SpiderSample.database(l.dbId()), l.gold(), l.predicted()))
                .toList();
        List<MatchOutcome> outcomes;
        long start = System.nanoTime();
        try (SqlSandbox sandbox = new SqlSandbox(SandboxLimits.defaults());
                ExecutionMatch matcher = new ExecutionMatch(sandbox, MatchOptions.spiderOfficial().withThreads(2))) {
            outcomes = matcher.matchAll(requests);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            SpiderSample.Label label = labels.get(i);
            MatchOutcome outcome = outcomes.get(i);
            if (outcome.match() != label.officialEx()) {
                disagreements.add("line " + label.line() + " [" + label.dbId() + ", " + label.variant() + "] official EX="
                        + (label.officialEx() ? 1 : 0) + " ours=" + (outcome.match() ? 1 : 0) + " because: "
                        + (outcome.match() ? "results match" : outcome.reason()) + (label.error() == null ? "" : "; official error: " + label.error())
                        + "\n    gold: " + label.gold() + "\n    pred: " + label.predicted());
            }
        }
        disagreements.forEach(System.out::println);
        double agreement = 1.0 - (double) disagreements.size() / labels.size();
        System.out.printf("EX agreement with the official evaluator: %d of %d pairs (%.3f%%), %d disagreements, %.1f s%n",
                labels.size() - disagreements.size(), labels.size(), 100 * agreement, disagreements.size(), seconds);
        assertEquals(8604, labels.size(), "the sample should hold 8,604 labelled pairs");
        // measured: every pair agrees; any disagreement is a regression (printed above)
        assertEquals(0, disagreements.size(), "EX disagreements with the official evaluator");
    }
}
