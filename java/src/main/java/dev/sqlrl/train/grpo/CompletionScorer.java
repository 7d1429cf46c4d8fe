package dev.sqlrl.train.grpo;

import dev.sqlrl.data.Example;
import dev.sqlrl.reward.RewardBreakdown;
import java.util.List;

/** What a GRPO step needs from the reward side: one reward per completion ({@link RewardEnvironment}; tests stub it). */
interface CompletionScorer {
    /** The reward of each completion of {@code examples.get(i)}, in the same order. */
    List<RewardBreakdown> score(List<String> completions, List<Example> examples);
}
