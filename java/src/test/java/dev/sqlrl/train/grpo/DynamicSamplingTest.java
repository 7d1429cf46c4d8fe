package dev.sqlrl.train.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlrl.data.AnswerFormat;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.Prompt;
import dev.sqlrl.reward.ExecutionOutcome;
import dev.sqlrl.reward.RewardBreakdown;
import dev.sqlrl.reward.RewardComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which groups a step keeps under dynamic sampling, and how many extra prompts and rounds it takes. */
class DynamicSamplingTest {
    private static GrpoPrompt prompt(String id) {
        Example example = new Example(id, "q " + id, "SELECT 1", "db", Path.of("db.sqlite"), null, null);
        return new GrpoPrompt(example, new Prompt("test", AnswerFormat.values()[0], List.of(), "text"), new int[] {1});
    }

    /** A group of two completions of `id` with the given rewards. */
    private static List<SampledCompletion> group(String id, double first, double second) {
        List<SampledCompletion> out = new ArrayList<>();
        for (double r : new double[] {first, second}) {
            EnumMap<RewardComponent, Double> components = new EnumMap<>(RewardComponent.class);
            for (RewardComponent c : RewardComponent.values()) components.put(c, 0.0);
            out.add(new SampledCompletion(prompt(id), new int[] {2}, new float[] {-1f}, "x", false,
                    new RewardBreakdown(r, components, "SELECT 1", ExecutionOutcome.FAILED, null)));
        }
        return out;
    }

    private static List<String> ids(List<SampledCompletion> completions) {
        return completions.stream().map(c -> c.prompt().example().id()).distinct().toList();
    }

    @Test
    void flatGroupsAreReplacedByGroupsWithASpreadFromExtraRounds() {
        List<SampledCompletion> first = new ArrayList<>();
        first.addAll(group("a", 1, 1));   // all right: set aside
        first.addAll(group("b", 0, 1));   // kept
        first.addAll(group("c", 0, 0));   // all wrong: set aside
        List<Integer> asked = new ArrayList<>();
        DynamicSampling.Outcome outcome = DynamicSampling.fill(first, 2, 3, 3,
                (round, count) -> {
                    asked.add(count);
                    return List.of(prompt("r" + round));
                },
                (prompts, round) -> round == 1 ? group(prompts.getFirst().example().id(), 0.5, 0.5)
                        : group(prompts.getFirst().example().id(), 0.2, 0.7));
        // round 1 asks for 2 and draws a flat group, rounds 2 and 3 each add one with a spread
        assertEquals(List.of(2, 2, 1), asked);
        assertEquals(List.of("b", "r2", "r3"), ids(outcome.completions()));
        assertEquals(3, outcome.droppedGroups());
        assertEquals(3, outcome.extraPrompts());
        assertEquals(3, outcome.rounds());
    }

    @Test
    void whenTheRoundsRunOutTheStepIsFilledWithSetAsideGroupsInOrder() {
        List<SampledCompletion> first = new ArrayList<>();
        first.addAll(group("a", 1, 1));
        first.addAll(group("b", 0, 1));
        first.addAll(group("c", 0, 0));
        DynamicSampling.Outcome outcome = DynamicSampling.fill(first, 2, 3, 1,
                (round, count) -> List.of(prompt("r" + round)), (prompts, round) -> group("r1", 1, 1));
        assertEquals(List.of("b", "a", "c"), ids(outcome.completions()));
        assertEquals(6, outcome.completions().size());
        assertEquals(3, outcome.droppedGroups());
        assertEquals(1, outcome.rounds());
    }

    @Test
    void aStepWhoseGroupsAllHaveASpreadSamplesNothingMore() {
        List<SampledCompletion> first = new ArrayList<>(group("a", 0, 1));
        first.addAll(group("b", 1, 0));
        DynamicSampling.Outcome outcome = DynamicSampling.fill(first, 2, 2, 3, (round, count) -> {
            throw new AssertionError("no extra round needed");
        }, (prompts, round) -> List.of());
        assertEquals(first, outcome.completions());
        assertEquals(new DynamicSampling.Outcome(first, 0, 0, 0), outcome);
    }
}
