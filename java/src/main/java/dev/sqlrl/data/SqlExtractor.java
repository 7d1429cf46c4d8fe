package dev.sqlrl.data;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the SQL in a model completion. In order: the content of {@code <answer>...</answer>} (the
 * reasoning format's final answer wins over drafts inside {@code <think>}), the last ```sql fence
 * (the last one is the model's final version), the last plain ``` fence, else the first statement
 * starting at SELECT or WITH. The trailing ';' and surrounding whitespace are removed.
 */
public final class SqlExtractor {
    private static final Pattern ANSWER_TAG = Pattern.compile("<answer>(.*?)(?:</answer>|\\z)", Pattern.DOTALL);
    private static final Pattern SQL_FENCE = Pattern.compile("```[ \\t]*(?:sqlite|sql)[ \\t]*\\r?\\n?(.*?)(?:```|\\z)",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern PLAIN_FENCE = Pattern.compile("```[ \\t]*\\r?\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern STATEMENT_START = Pattern.compile("\\b(?:SELECT|WITH)\\b", Pattern.CASE_INSENSITIVE);

    private SqlExtractor() {}

    /** The SQL of a completion, or empty when it holds none. */
    public static Optional<String> extract(String completion) {
        Matcher answer = ANSWER_TAG.matcher(completion);
        String lastAnswer = null;
        while (answer.find()) {
            lastAnswer = answer.group(1);
        }
        if (lastAnswer != null) {
            // The answer may itself wrap the query in a fence.
            return nonEmpty(fromFencesOrText(lastAnswer, true));
        }
        return nonEmpty(fromFencesOrText(completion, false));
    }

    private static String fromFencesOrText(String text, boolean wholeTextIsAnswer) {
        String fenced = lastGroup(SQL_FENCE.matcher(text));
        if (fenced == null) {
            fenced = lastGroup(PLAIN_FENCE.matcher(text));
        }
        if (fenced != null) {
            return firstStatement(fenced, true);
        }
        return firstStatement(text, wholeTextIsAnswer);
    }

    private static String lastGroup(Matcher matcher) {
        String last = null;
        while (matcher.find()) {
            last = matcher.group(1);
        }
        return last;
    }

    /**
     * Text up to the first ';' outside quotes. Outside an explicit answer, prose before the query
     * is skipped by starting at the first SELECT/WITH.
     */
    static String firstStatement(String text, boolean textIsQuery) {
        int start = 0;
        if (!textIsQuery) {
            Matcher keyword = STATEMENT_START.matcher(text);
            if (!keyword.find()) {
                return "";
            }
            start = keyword.start();
        }
        char quote = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == ';') {
                return text.substring(start, i).strip();
            }
        }
        return text.substring(start).strip();
    }

    private static Optional<String> nonEmpty(String sql) {
        return sql == null || sql.isBlank() ? Optional.empty() : Optional.of(sql);
    }
}
