package dev.sqlrl.demo.company;

/**
 * One generated question with its gold SQL.
 *
 * @param templateId the template it was filled from
 * @param difficulty that template's difficulty
 * @param slotValue  the value written into the slot (verbatim in question and SQL)
 * @param question   the question
 * @param sql        the gold SQL; it runs and returns at least one non-NULL value
 */
public record QuestionPair(String templateId, QuestionTemplate.Difficulty difficulty, String slotValue, String question,
                           String sql) {}
