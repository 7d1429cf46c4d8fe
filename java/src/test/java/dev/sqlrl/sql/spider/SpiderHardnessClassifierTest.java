package dev.sqlrl.sql.spider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** eval_hardness on queries of each level, and its aggregate-count quirks. */
class SpiderHardnessClassifierTest {
    private final SpiderEvaluator evaluator = new SpiderEvaluator(ConcertSchema.load());

    private Hardness hardness(String sql) throws SpiderParseException {
        return evaluator.hardness(sql);
    }

    @Test
    void levels() throws SpiderParseException {
        assertEquals(Hardness.EASY, hardness("SELECT count(*) FROM singer"));
        assertEquals(Hardness.EASY, hardness("SELECT name FROM singer WHERE age > 3"));
        assertEquals(Hardness.MEDIUM, hardness("SELECT name, age FROM singer WHERE age > 3"));
        assertEquals(Hardness.MEDIUM, hardness(
                "SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id WHERE T1.age > 3"));
        assertEquals(Hardness.HARD, hardness("SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer)"));
        // One nested query with no other component is still hard; one more select column makes it extra.
        assertEquals(Hardness.HARD, hardness(
                "SELECT name FROM singer WHERE age > 3 INTERSECT SELECT name FROM singer WHERE country = 'France'"));
        assertEquals(Hardness.EXTRA, hardness(
                "SELECT name, age FROM singer WHERE age > 3 INTERSECT SELECT name, age FROM singer WHERE country = 'France'"));
    }

    @Test
    void notInWhereCountsAsAnAggregate() throws SpiderParseException {
        // has_agg reads a condition's first field, not_op: NOT counts like an aggregate, so count + NOT IN > 1.
        String sql = "SELECT count(*) FROM singer WHERE singer_id NOT IN (SELECT singer_id FROM singer_in_concert)";
        SpiderSql parsed = new SpiderSqlParser(ConcertSchema.load()).parse(sql);
        assertEquals(1, SpiderHardnessClassifier.countOthers(parsed));
        assertEquals(1, SpiderHardnessClassifier.countComponent2(parsed));
        assertEquals(Hardness.EXTRA, hardness(sql));
    }

    @Test
    void conjunctionsInHavingCountAsAggregates() throws SpiderParseException {
        SpiderSql parsed = new SpiderSqlParser(ConcertSchema.load())
                .parse("SELECT count(*) FROM singer GROUP BY country HAVING count(*) > 1 AND max(age) > 3");
        // The select's count(*) is one aggregate; the 'and' in HAVING makes two, so count_others gives 1.
        assertEquals(1, SpiderHardnessClassifier.countOthers(parsed));
    }
}
