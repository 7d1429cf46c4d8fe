package dev.sqlrl.train.sft;

import dev.sqlrl.data.AnswerFormat;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.Prompt;
import dev.sqlrl.train.Policy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenizes a dataset for SFT: prompt through the policy's prompt builder, answer as the template's answer
 * format asks for it, in the chat template's assistant turn. Examples whose prompt or answer is over the
 * limit are left out and counted, never truncated (a truncated answer would teach the model to stop early).
 */
final class SftSequences {
    private final List<SftSequence> sequences;
    private final int tooLongPrompts;
    private final int tooLongTargets;

    private SftSequences(List<SftSequence> sequences, int tooLongPrompts, int tooLongTargets) {
        this.sequences = sequences;
        this.tooLongPrompts = tooLongPrompts;
        this.tooLongTargets = tooLongTargets;
    }

    static SftSequences of(Policy policy, Dataset dataset, int maxPromptTokens, int maxTargetTokens) {
        List<SftSequence> out = new ArrayList<>();
        int longPrompts = 0;
        int longTargets = 0;
        List<Example> examples = dataset.examples();
        for (int i = 0; i < examples.size(); i++) {
            Example example = examples.get(i);
            Prompt prompt = policy.prompts().build(example, dataset);
            int[] promptTokens = policy.tokenizer().encode(prompt.text());
            String answer = answerText(prompt.answerFormat(), example.goldSql());
            int[] target = cutAfterStop(policy.tokenizer().encode(policy.assistantTurn(prompt, answer)), policy.stopIds());
            if (promptTokens.length > maxPromptTokens) {
                longPrompts++;
            } else if (target.length > maxTargetTokens) {
                longTargets++;
            } else {
                out.add(new SftSequence(i, promptTokens, target));
            }
        }
        return new SftSequences(List.copyOf(out), longPrompts, longTargets);
    }

    /** The gold SQL written the way the template asks the model to answer. */
    static String answerText(AnswerFormat format, String sql) {
        return switch (format) {
            case SQL_FENCE -> "```sql\n" + sql.strip() + "\n```";
            case THINK_ANSWER -> "<think>\n</think>\n<answer>\n" + sql.strip() + "\n</answer>";
        };
    }

    /** Tokens after the first stop id (e.g. the newline a chat template puts after end-of-turn) teach nothing. */
    private static int[] cutAfterStop(int[] tokens, List<Integer> stopIds) {
        for (int i = 0; i < tokens.length; i++) {
            if (stopIds.contains(tokens[i])) {
                return Arrays.copyOf(tokens, i + 1);
            }
        }
        return tokens;
    }

    List<SftSequence> sequences() {
        return sequences;
    }

    int tooLongPrompts() {
        return tooLongPrompts;
    }

    int tooLongTargets() {
        return tooLongTargets;
    }
}
