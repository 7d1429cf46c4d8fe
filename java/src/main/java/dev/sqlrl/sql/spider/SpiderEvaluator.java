package dev.sqlrl.sql.spider;

/**
 * Spider exact set match and hardness for one database, the way the official test-suite evaluator's
 * {@code evaluate()} scores a pair (without --plug_value or --keep_distinct): the prediction has every
 * "value" replaced by "1", both queries are parsed as process_sql does, the gold's hardness is taken
 * before normalising, values and DISTINCT are dropped and foreign-key columns mapped to one
 * representative, and a prediction that does not parse is scored as the empty query.
 */
public final class SpiderEvaluator {
    private final SpiderSchema schema;
    private final SpiderSqlParser parser;

    public SpiderEvaluator(SpiderSchema schema) {
        this.schema = schema;
        this.parser = new SpiderSqlParser(schema);
    }

    public SpiderSchema schema() {
        return schema;
    }

    /** The gold query's hardness. */
    public Hardness hardness(String gold) throws SpiderParseException {
        return SpiderHardnessClassifier.classify(parser.parse(gold));
    }

    /**
     * Scores a prediction against a gold query.
     *
     * @throws SpiderParseException when the gold query itself does not parse (the official evaluator stops there)
     */
    public SpiderMatchResult evaluate(String gold, String pred) throws SpiderParseException {
        SpiderSql goldSql = parser.parse(gold);
        Hardness hardness = SpiderHardnessClassifier.classify(goldSql);
        SpiderSql predSql;
        String predError = null;
        try {
            // The official evaluator does this to every prediction, before parsing and executing it.
            predSql = parser.parse(pred.replace("value", "1"));
        } catch (SpiderParseException e) {
            predSql = SpiderSql.empty();
            predError = e.getMessage();
        }
        SpiderSql label = SpiderSqlRebuilder.normalize(goldSql, schema);
        SpiderSql prediction = SpiderSqlRebuilder.normalize(predSql, schema);
        PartialMatch partial = ExactSetMatcher.partialMatch(prediction, label);
        boolean exact = ExactSetMatcher.exactMatch(prediction, label);
        return new SpiderMatchResult(hardness, exact, partial, predError);
    }
}
