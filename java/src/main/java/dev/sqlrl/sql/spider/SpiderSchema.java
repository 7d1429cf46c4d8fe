package dev.sqlrl.sql.spider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the Spider evaluator knows of a database: lower-cased table and column names (process_sql's
 * {@code Schema}/{@code idMap}) and the foreign-key representative of each column (evaluation.py's
 * {@code build_foreign_key_map}, the "kmap"). Built from one entry of {@code tables.json}.
 */
public final class SpiderSchema {
    /** The id process_sql gives {@code *}. */
    public static final String ALL_COLUMNS_ID = "__all__";

    private final String dbId;
    private final Map<String, Set<String>> columnsByTable;
    private final Map<String, String> foreignKeyRepresentative;

    /**
     * @param dbId        the database id
     * @param tableNames  table_names_original, in order
     * @param columns     column_names_original as (table index, name); table index -1 is {@code *}
     * @param foreignKeys foreign_keys as pairs of column indexes
     */
    public SpiderSchema(String dbId, List<String> tableNames, List<Map.Entry<Integer, String>> columns,
            List<int[]> foreignKeys) {
        this.dbId = dbId;
        Map<String, Set<String>> byTable = new LinkedHashMap<>();
        for (String table : tableNames) {
            byTable.put(lower(table), new LinkedHashSet<>());
        }
        List<String> columnIds = new ArrayList<>();
        for (Map.Entry<Integer, String> column : columns) {
            int tableIndex = column.getKey();
            if (tableIndex < 0) {
                columnIds.add(ALL_COLUMNS_ID);
                continue;
            }
            String table = lower(tableNames.get(tableIndex));
            byTable.get(table).add(lower(column.getValue()));
            columnIds.add(columnId(table, lower(column.getValue())));
        }
        Map<String, Set<String>> frozen = new LinkedHashMap<>();
        byTable.forEach((table, cols) -> frozen.put(table, Set.copyOf(cols)));
        this.columnsByTable = frozen;
        this.foreignKeyRepresentative = foreignKeyMap(columnIds, foreignKeys);
    }

    /**
     * evaluation.py's build_foreign_key_map, quirks included: a key pair joins the first group that holds
     * either key (groups are never merged), and every member maps to the group's lowest column index.
     */
    private static Map<String, String> foreignKeyMap(List<String> columnIds, List<int[]> foreignKeys) {
        List<Set<Integer>> groups = new ArrayList<>();
        for (int[] pair : foreignKeys) {
            Set<Integer> group = null;
            for (Set<Integer> candidate : groups) {
                if (candidate.contains(pair[0]) || candidate.contains(pair[1])) {
                    group = candidate;
                    break;
                }
            }
            if (group == null) {
                group = new TreeSet<>();
                groups.add(group);
            }
            group.add(pair[0]);
            group.add(pair[1]);
        }
        Map<String, String> representative = new HashMap<>();
        for (Set<Integer> group : groups) {
            String lowest = columnIds.get(group.iterator().next());
            for (int index : group) {
                representative.put(columnIds.get(index), lowest);
            }
        }
        return Map.copyOf(representative);
    }

    static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    public static String columnId(String table, String column) {
        return "__" + table + "." + column + "__";
    }

    public static String tableId(String table) {
        return "__" + table + "__";
    }

    public String dbId() {
        return dbId;
    }

    /** Lower-cased table names, in tables.json order. */
    public Set<String> tables() {
        return columnsByTable.keySet();
    }

    public boolean hasTable(String lowerTable) {
        return columnsByTable.containsKey(lowerTable);
    }

    public boolean hasColumn(String lowerTable, String lowerColumn) {
        Set<String> columns = columnsByTable.get(lowerTable);
        return columns != null && columns.contains(lowerColumn);
    }

    /** Lower-cased column names of a table (empty for an unknown table). */
    public Set<String> columns(String lowerTable) {
        return columnsByTable.getOrDefault(lowerTable, Set.of());
    }

    /** The foreign-key representative of a column id, or the id itself when it is in no foreign key. */
    public String foreignKeyRepresentative(String columnId) {
        return foreignKeyRepresentative.getOrDefault(columnId, columnId);
    }

    public boolean inForeignKey(String columnId) {
        return foreignKeyRepresentative.containsKey(columnId);
    }
}
