package dev.sqlrl.data.link;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.ReadOnlySqlite;
import dev.sqlrl.data.SchemaSerializer;
import dev.sqlrl.data.values.ValueMatch;
import dev.sqlrl.data.values.ValueRetriever;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Links every example of a split (values retrieved, tables kept) and measures it against what the gold query uses:
 * table, column and value recall (summed over the split) and the mean reduction of the schema's size.
 */
public final class SchemaLinkEvaluation {
    /** One example's linking, as `sqlrl data link` writes it. Names are lower case. */
    public record Line(int index, @JsonProperty("db_id") String dbId, List<String> tables, List<String> columns,
                       List<Value> values, @JsonProperty("schema_tokens_full") int schemaTokensFull,
                       @JsonProperty("schema_tokens_pruned") int schemaTokensPruned) {}

    public record Value(String table, String column, String value) {}

    /** Recalls are found / gold over the whole split (1 when the split has no such gold reference). */
    public record Summary(int examples, int goldTables, double tableRecall, int goldColumns, double columnRecall,
                          int goldValues, double valueRecall, double meanTokenReduction) {
        public String toText() {
            return String.format(Locale.ROOT, "examples %d%ntable recall  %.3f (%d gold tables)%ncolumn recall %.3f "
                            + "(%d gold columns)%nvalue recall  %.3f (%d gold string literals stored in the database)%n"
                            + "mean schema token reduction %.1f%%%n", examples, tableRecall, goldTables, columnRecall,
                    goldColumns, valueRecall, goldValues, 100 * meanTokenReduction);
        }
    }

    private SchemaLinkEvaluation() {}

    public static Summary run(Dataset dataset, SchemaSerializer serializer, ValueRetriever values, int keepWholeBelowTokens,
                              Consumer<Line> out) {
        int goldTables = 0, foundTables = 0, goldColumns = 0, foundColumns = 0, goldValues = 0, foundValues = 0;
        double reduction = 0;
        List<Example> examples = dataset.examples();
        for (int i = 0; i < examples.size(); i++) {
            Example example = examples.get(i);
            DatabaseSchema schema = dataset.schemaOf(example);
            String text = example.evidence() == null || example.evidence().isBlank() ? example.question()
                    : example.question() + " " + example.evidence();
            List<ValueMatch> matches = values.matches(example.dbPath(), text);
            String full = serializer.serialize(schema, example.dbPath(), null);
            int fullTokens = SchemaTokens.count(full);
            DatabaseSchema pruned = fullTokens > keepWholeBelowTokens ? SchemaLinker.prune(schema, text, matches) : schema;
            int prunedTokens = SchemaTokens.count(serializer.serialize(pruned, example.dbPath(), null));
            List<String> tables = pruned.tables().stream().map(t -> lower(t.name())).toList();
            List<String> columns = pruned.tables().stream()
                    .flatMap(t -> t.columns().stream().map(c -> lower(t.name() + "." + c.name()))).toList();
            List<Value> shown = matches.stream().map(m -> new Value(lower(m.table()), lower(m.column()), m.value())).toList();
            out.accept(new Line(i, example.dbId(), tables, columns, shown, fullTokens, prunedTokens));

            GoldReferences gold = gold(example, schema);
            Set<String> keptTables = Set.copyOf(tables);
            Set<String> keptColumns = Set.copyOf(columns);
            goldTables += gold.tables().size();
            foundTables += (int) gold.tables().stream().filter(keptTables::contains).count();
            goldColumns += gold.columns().size();
            foundColumns += (int) gold.columns().stream().filter(keptColumns::contains).count();
            Set<String> shownValues = matches.stream().map(m -> m.value().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            goldValues += gold.literals().size();
            foundValues += (int) gold.literals().stream().filter(l -> shownValues.contains(l.value().toLowerCase(Locale.ROOT))).count();
            reduction += fullTokens == 0 ? 0 : 1.0 - (double) prunedTokens / fullTokens;
        }
        return new Summary(examples.size(), goldTables, ratio(foundTables, goldTables), goldColumns,
                ratio(foundColumns, goldColumns), goldValues, ratio(foundValues, goldValues),
                examples.isEmpty() ? 0 : reduction / examples.size());
    }

    private static GoldReferences gold(Example example, DatabaseSchema schema) {
        try (Connection connection = ReadOnlySqlite.open(example.dbPath())) {
            return GoldReferences.of(example.goldSql(), schema, connection);
        } catch (SQLException e) {
            return new GoldReferences(Set.of(), Set.of(), new ArrayList<>());
        }
    }

    private static double ratio(int found, int total) {
        return total == 0 ? 1.0 : (double) found / total;
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
