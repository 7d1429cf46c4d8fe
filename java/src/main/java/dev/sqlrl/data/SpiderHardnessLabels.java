package dev.sqlrl.data;

import dev.sqlrl.sql.spider.SpiderEvaluator;
import dev.sqlrl.sql.spider.SpiderParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Spider hardness (easy/medium/hard/extra) of each example's gold SQL, with one evaluator per database. */
public final class SpiderHardnessLabels implements Function<Example, Optional<String>> {
    private final Dataset dataset;
    private final Map<String, SpiderEvaluator> evaluators = new ConcurrentHashMap<>();

    private SpiderHardnessLabels(Dataset dataset) {
        this.dataset = dataset;
    }

    public static SpiderHardnessLabels forDataset(Dataset dataset) {
        return new SpiderHardnessLabels(dataset);
    }

    /** The label, or empty when Spider's parser rejects the gold SQL. */
    @Override
    public Optional<String> apply(Example example) {
        SpiderEvaluator evaluator = evaluators.computeIfAbsent(example.dbId(),
                id -> new SpiderEvaluator(SpiderSchemas.of(dataset.schemaOf(example))));
        try {
            return Optional.of(evaluator.hardness(example.goldSql()).label());
        } catch (SpiderParseException e) {
            return Optional.empty();
        }
    }
}
