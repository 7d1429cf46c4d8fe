package dev.sqlrl.data;

import dev.sqlrl.data.values.ValueIndex;
import java.util.List;
import java.util.Map;

/**
 * What `sqlrl data stats` reports about a split.
 *
 * @param examples            number of examples
 * @param databases           number of distinct databases
 * @param difficulty          the dataset's own difficulty labels (BIRD), label -> count; empty when it has none
 * @param hardness            Spider hardness of the gold SQL, label -> count; empty when not computed
 * @param tablesPerDatabase   tables per database
 * @param columnsPerDatabase  columns per database
 * @param sqlChars            gold SQL length in characters
 * @param sqlWords           gold SQL length in whitespace-separated words
 * @param unparsedSql         gold queries JSqlParser could not parse (left out of the join/nesting figures)
 * @param withJoin            fraction of parsed queries with at least one join
 * @param joinsPerQuery       joins per parsed query
 * @param withNesting         fraction of parsed queries with a nested SELECT
 * @param withSetOperation    fraction of parsed queries with UNION/INTERSECT/EXCEPT
 * @param promptTokens        prompt lengths in tokens, or null when no tokenizer was given
 * @param promptTemplate      id of the prompt template measured, or null
 * @param valueIndexes        the value index of each database (values, build time, bytes), when asked for; else empty
 */
public record DatasetStats(String source, String layout, String split, int examples, int databases,
                           Map<String, Integer> difficulty, Map<String, Integer> hardness,
                           Distribution tablesPerDatabase, Distribution columnsPerDatabase,
                           Distribution sqlChars, Distribution sqlWords, int unparsedSql,
                           double withJoin, Distribution joinsPerQuery, double withNesting, double withSetOperation,
                           Distribution promptTokens, String promptTemplate, List<String> invalidGold,
                           List<String> missingDatabases, List<ValueIndex.Info> valueIndexes) {
    public DatasetStats {
        valueIndexes = List.copyOf(valueIndexes);
    }

    public DatasetStats withValueIndexes(List<ValueIndex.Info> indexes) {
        return new DatasetStats(source, layout, split, examples, databases, difficulty, hardness, tablesPerDatabase,
                columnsPerDatabase, sqlChars, sqlWords, unparsedSql, withJoin, joinsPerQuery, withNesting, withSetOperation,
                promptTokens, promptTemplate, invalidGold, missingDatabases, indexes);
    }
}
