package dev.sqlrl.config;

/** Evaluation during and after training (execution accuracy on data.eval_split). */
public record EvalSection(
        @Key(value = "Evaluate every this many training steps (0 only at the end).", defaultValue = "100", min = 0)
                int everyNSteps,
        @Key(value = "Evaluate on at most this many examples of the split (0 uses all).", defaultValue = "0", min = 0)
                int maxExamples,
        @Key(value = "Samples voted on by execution result (self-consistency); 1 is greedy decoding.",
                defaultValue = "1", min = 1, max = 64) int voteK,
        @Key(value = "Tokens generated at most per answer.", defaultValue = "256", min = 1) int maxNewTokens) {

    public static EvalSection defaults() {
        return KeyDefaults.of(EvalSection.class);
    }
}
