package dev.sqlrl.reward;

import dev.sqlrl.sql.spider.ComponentScore;
import dev.sqlrl.sql.spider.PartialMatch;
import dev.sqlrl.sql.spider.SpiderEvaluator;
import dev.sqlrl.sql.spider.SpiderMatchResult;
import dev.sqlrl.sql.spider.SpiderParseException;
import java.util.List;

/**
 * Partial clause reward: the mean graded F1 of Spider's component matching (select, where, group,
 * order, and/or, IUEN, keywords) between prediction and gold. Components neither query has are
 * left out of the mean (they would reward trivial queries); the looser "no AGG / no OP / no Having"
 * variants are left out because they repeat select, where and group. A prediction Spider's parser
 * rejects scores 0, and so does a gold it rejects (nothing to compare with).
 */
public final class ClauseF1 {
    private static final List<String> COMPONENTS = List.of(PartialMatch.SELECT, PartialMatch.WHERE, PartialMatch.GROUP,
            PartialMatch.ORDER, PartialMatch.AND_OR, PartialMatch.IUEN, PartialMatch.KEYWORDS);

    private ClauseF1() {}

    public static double score(SpiderEvaluator evaluator, String gold, String predicted) {
        SpiderMatchResult result;
        try {
            result = evaluator.evaluate(gold, predicted);
        } catch (SpiderParseException e) {
            return 0.0;
        }
        if (result.predParseError() != null) {
            return 0.0;
        }
        double sum = 0;
        int counted = 0;
        for (String component : COMPONENTS) {
            ComponentScore score = result.partial().get(component);
            if (score.labelTotal() + score.predTotal() > 0) {
                sum += score.gradedF1();
                counted++;
            }
        }
        return counted == 0 ? 1.0 : sum / counted;
    }
}
