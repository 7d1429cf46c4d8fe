package dev.sqlrl.data;

import dev.sqlrl.sql.spider.SpiderSchema;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Converts a {@link DatabaseSchema} into the {@link SpiderSchema} that Spider's parser, hardness and
 * component matching need, so they work on BIRD and own-data databases too, not only on tables.json.
 */
public final class SpiderSchemas {
    private SpiderSchemas() {}

    public static SpiderSchema of(DatabaseSchema schema) {
        List<String> tableNames = new ArrayList<>();
        // Spider's column 0 is "*", belonging to no table.
        List<Map.Entry<Integer, String>> columns = new ArrayList<>();
        columns.add(new AbstractMap.SimpleImmutableEntry<>(-1, "*"));
        List<DatabaseSchema.Table> tables = schema.tables();
        for (int t = 0; t < tables.size(); t++) {
            tableNames.add(tables.get(t).name());
            for (DatabaseSchema.Column column : tables.get(t).columns()) {
                columns.add(new AbstractMap.SimpleImmutableEntry<>(t, column.name()));
            }
        }
        List<int[]> foreignKeys = new ArrayList<>();
        for (DatabaseSchema.ForeignKey key : schema.foreignKeys()) {
            int from = columnIndex(tables, key.fromTable(), key.fromColumn());
            int to = columnIndex(tables, key.toTable(), key.toColumn());
            if (from > 0 && to > 0) {
                foreignKeys.add(new int[] {from, to});
            }
        }
        return new SpiderSchema(schema.dbId(), tableNames, columns, foreignKeys);
    }

    /** The Spider column index (1-based over all tables' columns), or -1 when the key names an unknown column. */
    private static int columnIndex(List<DatabaseSchema.Table> tables, String table, String column) {
        int index = 1;
        for (DatabaseSchema.Table candidate : tables) {
            for (DatabaseSchema.Column c : candidate.columns()) {
                if (candidate.name().equalsIgnoreCase(table) && c.name().equalsIgnoreCase(column)) {
                    return index;
                }
                index++;
            }
        }
        return -1;
    }
}
