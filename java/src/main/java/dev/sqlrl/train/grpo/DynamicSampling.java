package dev.sqlrl.train.grpo;

import java.util.ArrayList;
import java.util.List;

/**
 * DAPO's dynamic sampling: a group whose completions all got the same reward has zero advantage, hence no gradient,
 * while it still dilutes the token-normalized loss of the others. Such groups are set aside and further prompts are
 * sampled until the step has its prompts_per_step groups with a spread, or the extra rounds run out; then the step is
 * filled with set-aside groups (in their order), so that its batch keeps its size.
 */
final class DynamicSampling {
    /** Further prompts for extra round `round` (1, 2, ...): `count` of them, or fewer when there are no more. */
    @FunctionalInterface
    interface ExtraPrompts {
        List<GrpoPrompt> draw(int round, int count);

        ExtraPrompts NONE = (round, count) -> List.of();
    }

    /** What an extra round gives: its prompts' completions, rewarded, group by group. */
    @FunctionalInterface
    interface Round {
        List<SampledCompletion> sampleAndReward(List<GrpoPrompt> prompts, int round);
    }

    /**
     * The step's batch and what it cost.
     *
     * @param completions    prompts_per_step groups, group by group
     * @param droppedGroups  groups without a spread set aside, over every round
     * @param extraPrompts   prompts sampled beyond the step's own
     * @param rounds         extra rounds sampled
     */
    record Outcome(List<SampledCompletion> completions, int droppedGroups, int extraPrompts, int rounds) {}

    private DynamicSampling() {}

    static Outcome fill(List<SampledCompletion> first, int groupSize, int groups, int maxRounds, ExtraPrompts more,
                        Round round) {
        List<List<SampledCompletion>> kept = new ArrayList<>();
        List<List<SampledCompletion>> setAside = new ArrayList<>();
        sort(first, groupSize, kept, setAside);
        int rounds = 0;
        int extra = 0;
        while (kept.size() < groups && rounds < maxRounds) {
            List<GrpoPrompt> prompts = more.draw(rounds + 1, groups - kept.size());
            if (prompts.isEmpty()) break;
            rounds++;
            extra += prompts.size();
            sort(round.sampleAndReward(prompts, rounds), groupSize, kept, setAside);
        }
        int dropped = setAside.size();
        List<SampledCompletion> batch = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            batch.addAll(g < kept.size() ? kept.get(g) : setAside.get(g - kept.size()));
        }
        return new Outcome(batch, dropped, extra, rounds);
    }

    static boolean hasSpread(List<SampledCompletion> group) {
        double first = group.getFirst().reward().total();
        for (SampledCompletion c : group) if (c.reward().total() != first) return true;
        return false;
    }

    private static void sort(List<SampledCompletion> completions, int groupSize, List<List<SampledCompletion>> kept,
                             List<List<SampledCompletion>> setAside) {
        for (int from = 0; from < completions.size(); from += groupSize) {
            List<SampledCompletion> group = completions.subList(from, from + groupSize);
            (hasSpread(group) ? kept : setAside).add(group);
        }
    }
}
