package dev.sqlrl.train.grpo;

import java.util.List;
import java.util.Objects;

/**
 * One micro-batch of completions for the loss.
 *
 * @param completions the completions, in the order of native's log-prob rows
 * @param accumulation the accumulation step this micro-batch belongs to, or null when the micro-batch
 *     is the whole optimizer step (no accumulation)
 */
public record GrpoBatch(List<CompletionLogProbs> completions, GradientAccumulation accumulation) {

    public GrpoBatch {
        Objects.requireNonNull(completions, "completions");
        completions = List.copyOf(completions);
    }

    /** A micro-batch that is a whole optimizer step on its own. */
    public static GrpoBatch single(List<CompletionLogProbs> completions) {
        return new GrpoBatch(completions, null);
    }
}
