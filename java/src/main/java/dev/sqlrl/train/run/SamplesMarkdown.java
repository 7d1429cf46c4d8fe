package dev.sqlrl.train.run;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One step's sampled completions as Markdown for TensorBoard's text dashboard (which renders fenced code
 * blocks): per sample a line with its group, reward and outcome, then its prompt (when the record has one:
 * samples.jsonl keeps it on the first sample of a group) and its completion, verbatim.
 */
final class SamplesMarkdown {
    private static final Pattern BACKTICK_RUNS = Pattern.compile("`+");

    private SamplesMarkdown() {}

    static String render(List<Map<String, Object>> records) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < records.size(); i++) {
            Map<String, Object> record = records.get(i);
            if (i > 0) {
                out.append("\n\n---\n\n");
            }
            out.append("**sample ").append(i + 1).append("**");
            if (record.get(SamplesLog.GROUP) instanceof Number group) {
                out.append(", group ").append(group);
            }
            if (record.get(SamplesLog.REWARD) instanceof Number reward) {
                out.append(", reward ").append(String.format(Locale.ROOT, "%.3f", reward.doubleValue()));
            }
            if (record.get(SamplesLog.OUTCOME) instanceof String outcome) {
                out.append(" (").append(outcome).append(')');
            }
            block(out, "prompt", record.get(SamplesLog.PROMPT));
            block(out, "completion", record.get(SamplesLog.COMPLETION));
        }
        return out.toString();
    }

    private static void block(StringBuilder out, String label, Object text) {
        if (!(text instanceof String content)) {
            return;
        }
        String fence = fenceFor(content);
        out.append("\n\n").append(label).append(":\n\n").append(fence).append('\n').append(content);
        if (!content.endsWith("\n")) {
            out.append('\n');
        }
        out.append(fence);
    }

    /** A fence longer than any run of backticks in the text, so that the text cannot close it. */
    private static String fenceFor(String content) {
        int longest = 0;
        Matcher runs = BACKTICK_RUNS.matcher(content);
        while (runs.find()) {
            longest = Math.max(longest, runs.end() - runs.start());
        }
        return "`".repeat(Math.max(3, longest + 1));
    }
}
