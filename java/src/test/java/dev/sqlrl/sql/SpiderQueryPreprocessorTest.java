package dev.sqlrl.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpiderQueryPreprocessorTest {

    @Test
    void removesDistinctTokensOnly() {
        assertEquals("SELECT  name FROM t", SpiderQueryPreprocessor.forExecution("SELECT DISTINCT name FROM t"));
        assertEquals("SELECT count( x) FROM t", SpiderQueryPreprocessor.forExecution("SELECT count(distinct x) FROM t"));
        assertEquals("SELECT distinct_total, 'distinct' FROM t",
                SpiderQueryPreprocessor.forExecution("SELECT distinct_total, 'distinct' FROM t"));
    }

    @Test
    void joinsSpacedComparisonsAndKeepsOnlyTheFirstStatement() {
        assertEquals("SELECT * FROM t WHERE a >= 1 AND b <= 2 AND c != 3",
                SpiderQueryPreprocessor.forExecution("SELECT * FROM t WHERE a > = 1 AND b < = 2 AND c ! = 3"));
        assertEquals("SELECT ';' FROM t;", SpiderQueryPreprocessor.forExecution("SELECT ';' FROM t; DROP TABLE t"));
    }

    @Test
    void sqlparseStringsHonourBackslashEscapes() {
        // sqlparse reads 'a\'; distinct' as one string, so nothing in it is removed or split.
        assertEquals("SELECT 'a\\'; distinct' FROM t", SpiderQueryPreprocessor.forExecution("SELECT 'a\\'; distinct' FROM t"));
    }

    @Test
    void replacesValueEverywhereInPredictions() {
        assertEquals("SELECT total_1_purchased FROM t WHERE x = 1",
                SpiderQueryPreprocessor.substituteValuePlaceholder("SELECT total_value_purchased FROM t WHERE x = value"));
    }

    @Test
    void orderMattersOnlyForTheLiteralOrderBy() {
        assertTrue(SpiderQueryPreprocessor.orderMatters("SELECT a FROM t ORDER BY a"));
        assertFalse(SpiderQueryPreprocessor.orderMatters("SELECT a FROM t ORDER  BY a"), "the evaluator looks for 'order by' with one space");
        assertTrue(SpiderQueryPreprocessor.hasOrderBy("SELECT a FROM t ORDER\n BY a"));
        assertFalse(SpiderQueryPreprocessor.hasOrderBy("SELECT 'order by' FROM t"));
    }

    @Test
    void replacesMysqlCurrentYear() {
        assertEquals("SELECT 2020- year FROM t", SpiderQueryPreprocessor.replaceCurrentYear("SELECT YEAR(CURDATE()) - year FROM t"));
    }
}
