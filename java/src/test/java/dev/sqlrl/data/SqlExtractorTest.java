package dev.sqlrl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SqlExtractorTest {
    @Test
    void takesTheLastSqlFence() {
        assertEquals(Optional.of("SELECT name FROM singer"), SqlExtractor.extract(
                "First try:\n```sql\nSELECT * FROM singer\n```\nBetter:\n```sql\nSELECT name FROM singer;\n```"));
    }

    @Test
    void sqliteFenceAndUpperCaseTag() {
        assertEquals(Optional.of("SELECT 1"), SqlExtractor.extract("```sqlite\nSELECT 1\n```"));
        assertEquals(Optional.of("SELECT 2"), SqlExtractor.extract("```SQL\nSELECT 2;\n```"));
    }

    @Test
    void answerTagWinsOverDraftsInTheReasoning() {
        assertEquals(Optional.of("SELECT count(*) FROM t"), SqlExtractor.extract(
                "<think>maybe ```sql\nSELECT 1\n```</think>\n<answer>\n```sql\nSELECT count(*) FROM t;\n```\n</answer>"));
        assertEquals(Optional.of("SELECT a FROM t"), SqlExtractor.extract("<think>x</think><answer> SELECT a FROM t; </answer>"));
    }

    @Test
    void plainTextGivesTheFirstStatement() {
        assertEquals(Optional.of("SELECT a FROM t WHERE b = 'x;y'"),
                SqlExtractor.extract("The query is SELECT a FROM t WHERE b = 'x;y'; SELECT 2;"));
        assertEquals(Optional.of("WITH c AS (SELECT 1) SELECT * FROM c"),
                SqlExtractor.extract("with c as (select 1) select * from c".replace("with", "WITH")
                        .replace("as (select 1) select * from c", "AS (SELECT 1) SELECT * FROM c")));
        assertEquals(Optional.of("SELECT 1"), SqlExtractor.extract("```\nSELECT 1;\n```"));
    }

    @Test
    void unclosedFenceFromATruncatedCompletionStillYieldsTheQuery() {
        assertEquals(Optional.of("SELECT a FROM t"), SqlExtractor.extract("```sql\nSELECT a FROM t"));
    }

    @Test
    void noSqlGivesEmpty() {
        assertEquals(Optional.empty(), SqlExtractor.extract("I cannot answer that."));
        assertEquals(Optional.empty(), SqlExtractor.extract("<answer></answer>"));
        assertEquals(Optional.empty(), SqlExtractor.extract("```sql\n;\n```"));
    }
}
