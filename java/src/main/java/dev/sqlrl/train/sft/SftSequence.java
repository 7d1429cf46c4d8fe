package dev.sqlrl.train.sft;

/**
 * One supervised example as tokens: the rendered prompt, then the answer's tokens (the assistant turn up to
 * and including its end-of-turn token), which alone carry loss.
 */
record SftSequence(int exampleIndex, int[] promptTokens, int[] targetTokens) {

    int[] tokens() {
        int[] all = new int[promptTokens.length + targetTokens.length];
        System.arraycopy(promptTokens, 0, all, 0, promptTokens.length);
        System.arraycopy(targetTokens, 0, all, promptTokens.length, targetTokens.length);
        return all;
    }

    int length() {
        return promptTokens.length + targetTokens.length;
    }
}
