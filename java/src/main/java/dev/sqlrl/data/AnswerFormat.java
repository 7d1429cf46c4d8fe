package dev.sqlrl.data;

import java.util.regex.Pattern;

/** How a prompt template asks the model to mark its answer; the format reward checks completions against it. */
public enum AnswerFormat {
    /** One ```sql code block holding the query (prose around it allowed). */
    SQL_FENCE("sql-fence", Pattern.compile("\\A(?:(?!```).)*```sql[ \\t]*\\n(?!\\s*```)(?:(?!```).)+```(?:(?!```).)*\\z",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE)),
    /** {@code <think>...</think>} then {@code <answer>...</answer>} with a non-empty answer, nothing else. */
    THINK_ANSWER("think-answer", Pattern.compile("\\A\\s*<think>.*?</think>\\s*<answer>\\s*+(?!</answer>)(?:(?!</?answer>).)+</answer>\\s*\\z",
            Pattern.DOTALL));

    private final String key;
    private final Pattern wellFormed;

    AnswerFormat(String key, Pattern wellFormed) {
        this.key = key;
        this.wellFormed = wellFormed;
    }

    /** The name used in template headers. */
    public String key() {
        return key;
    }

    /** Whether a completion is written in this format. */
    public boolean isFollowedBy(String completion) {
        return wellFormed.matcher(completion).matches();
    }

    public static AnswerFormat fromKey(String key) {
        for (AnswerFormat format : values()) {
            if (format.key.equals(key)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown answer format '" + key + "'");
    }
}
