package dev.sqlrl.reward;

/** 0 for completions up to targetChars, then falling linearly to -1 at maxChars (and staying there). */
public final class LengthPenalty {
    private LengthPenalty() {}

    public static double score(String completion, int targetChars, int maxChars) {
        int length = completion.length();
        if (length <= targetChars) {
            return 0.0;
        }
        return -Math.min(1.0, (double) (length - targetChars) / (maxChars - targetChars));
    }
}
