package dev.sqlrl.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/** Computes {@link DatasetStats} for a dataset split. */
public final class DatasetStatsCalculator {
    /** Labels are reported from easiest to hardest (Spider's, then BIRD's), others alphabetically after them. */
    private static final List<String> LABEL_ORDER =
            List.of("easy", "medium", "hard", "extra", "simple", "moderate", "challenging", "unparsed");
    private static final java.util.Comparator<String> BY_LABEL_ORDER = java.util.Comparator
            .comparingInt((String label) -> LABEL_ORDER.contains(label) ? LABEL_ORDER.indexOf(label) : LABEL_ORDER.size())
            .thenComparing(java.util.Comparator.naturalOrder());
    private DatasetStatsCalculator() {}

    /**
     * @param hardness     Spider hardness label of an example's gold SQL (empty when it cannot be classified), or null to skip
     * @param promptTokens prompt length in tokens of an example, or null when no tokenizer is given
     * @param templateId   id of the prompt template the lengths were measured with (null without a tokenizer)
     * @param invalidGold  the gold queries that do not run ({@link GoldQueryCheck}), "file:line: reason"
     */
    public static DatasetStats compute(Dataset dataset, Function<Example, Optional<String>> hardness,
                                       ToIntFunction<Example> promptTokens, String templateId, List<String> invalidGold) {
        Map<String, Integer> difficulty = new TreeMap<>(BY_LABEL_ORDER);
        Map<String, Integer> hardnessCounts = new TreeMap<>(BY_LABEL_ORDER);
        List<Integer> chars = new ArrayList<>();
        List<Integer> words = new ArrayList<>();
        List<Integer> joins = new ArrayList<>();
        List<Integer> promptLengths = new ArrayList<>();
        int withJoin = 0;
        int nested = 0;
        int setOps = 0;
        int unparsed = 0;
        for (Example example : dataset.examples()) {
            if (example.difficulty() != null) {
                difficulty.merge(example.difficulty(), 1, Integer::sum);
            }
            if (hardness != null) {
                hardnessCounts.merge(hardness.apply(example).orElse("unparsed"), 1, Integer::sum);
            }
            String sql = example.goldSql().strip();
            chars.add(sql.length());
            words.add(sql.split("\\s+").length);
            Optional<SqlShape> shape = SqlShape.of(sql);
            if (shape.isEmpty()) {
                unparsed++;
            } else {
                joins.add(shape.get().joins());
                withJoin += shape.get().joins() > 0 ? 1 : 0;
                nested += shape.get().nestedSelects() > 0 ? 1 : 0;
                setOps += shape.get().setOperations() > 0 ? 1 : 0;
            }
            if (promptTokens != null) {
                promptLengths.add(promptTokens.applyAsInt(example));
            }
        }
        int parsed = Math.max(1, joins.size());
        List<Integer> tables = dataset.schemas().values().stream().map(s -> s.tables().size()).toList();
        List<Integer> columns = dataset.schemas().values().stream().map(DatabaseSchema::columnCount).toList();
        return new DatasetStats(dataset.source().toString(), dataset.layout().name().toLowerCase(java.util.Locale.ROOT),
                dataset.split(), dataset.examples().size(), dataset.schemas().size(), difficulty, hardnessCounts,
                Distribution.of(tables), Distribution.of(columns), Distribution.of(chars), Distribution.of(words),
                unparsed, (double) withJoin / parsed, Distribution.of(joins), (double) nested / parsed,
                (double) setOps / parsed, promptTokens == null ? null : Distribution.of(promptLengths),
                promptTokens == null ? null : templateId, List.copyOf(invalidGold),
                dataset.missingDatabases(), List.of());
    }
}
