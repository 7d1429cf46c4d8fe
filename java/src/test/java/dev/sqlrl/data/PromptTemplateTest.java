package dev.sqlrl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {
    @Test
    void bundledTemplateCarriesItsVersionAndFormat() {
        PromptTemplate template = PromptTemplate.load(PromptTemplate.DEFAULT_ID);
        assertEquals("text2sql-v1", template.id());
        assertEquals(AnswerFormat.SQL_FENCE, template.answerFormat());
        assertEquals(AnswerFormat.THINK_ANSWER, PromptTemplate.load("text2sql-reasoning-v1").answerFormat());
    }

    @Test
    void fillsPlaceholdersAndDropsTheEvidenceLineWhenThereIsNone() {
        PromptTemplate template = PromptTemplate.load("text2sql-v1");
        List<ChatMessage> spider = template.messages("CREATE TABLE t (x INT);\n", "How many?", null);
        assertEquals("system", spider.get(0).role());
        assertEquals("""
                Database schema:
                CREATE TABLE t (x INT);
                Question: How many?

                Write one SQLite query that answers the question. Put it in a ```sql code block.""", spider.get(1).content());
        List<ChatMessage> bird = template.messages("CREATE TABLE t (x INT);", "How many?", "x is a count");
        assertTrue(bird.get(1).content().contains("\nExternal knowledge: x is a count\nQuestion: How many?"));
    }

    @Test
    void rejectsTemplatesWithoutRequiredParts() {
        UserInputException noVersion = assertThrows(UserInputException.class,
                () -> PromptTemplate.parse("name: x\nanswer-format: sql-fence\n[user]\n{schema} {question}\n", "t.txt"));
        assertEquals("t.txt: missing header 'version: ...'", noVersion.getMessage());
        UserInputException badFormat = assertThrows(UserInputException.class,
                () -> PromptTemplate.parse("name: x\nversion: 2\nanswer-format: xml\n[user]\n{schema} {question}\n", "t.txt"));
        assertTrue(badFormat.getMessage().contains("unknown answer format 'xml'"));
        UserInputException noSchema = assertThrows(UserInputException.class,
                () -> PromptTemplate.parse("name: x\nversion: 2\nanswer-format: sql-fence\n[user]\n{question}\n", "t.txt"));
        assertEquals("t.txt: the [user] section must contain {schema} (or the header 'schema: omitted')", noSchema.getMessage());
        PromptTemplate questionOnly = PromptTemplate.parse(
                "name: x\nversion: 2\nanswer-format: sql-fence\nschema: omitted\n[user]\nQ: {question}\n", "t.txt");
        assertEquals("Q: How many?", questionOnly.messages("CREATE TABLE t (x INT);", "How many?", null).get(0).content());
        assertThrows(UserInputException.class, () -> PromptTemplate.parse(
                "name: x\nversion: 2\nanswer-format: sql-fence\nschema: omitted\n[user]\n{schema} {question}\n", "t.txt"));
        assertThrows(UserInputException.class, () -> PromptTemplate.load("no-such-template-v9"));
    }

    @Test
    void answerFormatsRecogniseWellFormedCompletions() {
        assertTrue(AnswerFormat.SQL_FENCE.isFollowedBy("Here it is:\n```sql\nSELECT 1\n```\n"));
        assertTrue(!AnswerFormat.SQL_FENCE.isFollowedBy("SELECT 1"));
        assertTrue(!AnswerFormat.SQL_FENCE.isFollowedBy("```sql\n   \n```"), "empty fence");
        assertTrue(!AnswerFormat.SQL_FENCE.isFollowedBy("```sql\nSELECT 1\n```\n```sql\nSELECT 2\n```"), "two answers");
        assertTrue(!AnswerFormat.SQL_FENCE.isFollowedBy("```sql\nSELECT 1"), "unclosed");
        assertTrue(AnswerFormat.THINK_ANSWER.isFollowedBy("<think>count rows</think>\n<answer>SELECT 1</answer>"));
        assertTrue(!AnswerFormat.THINK_ANSWER.isFollowedBy("<think>x</think><answer>  </answer>"), "empty answer");
        assertTrue(!AnswerFormat.THINK_ANSWER.isFollowedBy("<answer>SELECT 1</answer>"), "no reasoning");
        assertTrue(!AnswerFormat.THINK_ANSWER.isFollowedBy("<think>x</think><answer>SELECT 1</answer> trailing"));
    }
}
