package dev.sqlrl.reward;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * The tables and columns a parsed query refers to, with the names it defines itself (table aliases,
 * CTE names, derived-table aliases, select-list aliases) so that those are not mistaken for schema
 * names. Names are unquoted and lower-cased (SQLite compares identifiers case-insensitively).
 *
 * @param tables        schema tables referenced in FROM/JOIN (CTE names excluded)
 * @param aliasToTable  table alias -> table name
 * @param columns       column references as (qualifier or null, column)
 * @param localNames    names the query defines: CTEs, derived-table aliases, select-list aliases
 */
public record SqlReferences(Set<String> tables, Map<String, String> aliasToTable, List<ColumnReference> columns,
                            Set<String> localNames) {

    /**
     * A column as written: {@code qualifier.column} or just {@code column} (qualifier null).
     * {@code doubleQuoted}: SQLite reads a double-quoted name that is no column as a string literal
     * (Spider's gold SQL does this often), so such a reference may not be a column at all.
     */
    public record ColumnReference(String qualifier, String column, boolean doubleQuoted) {}

    public static SqlReferences of(Statement statement) {
        Collector collector = new Collector();
        collector.getTables(statement);
        Set<String> tables = new HashSet<>(collector.tables);
        tables.removeAll(collector.localNames);
        return new SqlReferences(tables, collector.aliasToTable, collector.columns, collector.localNames);
    }

    static String normalize(String identifier) {
        String name = identifier.strip();
        if (name.length() >= 2 && ((name.startsWith("\"") && name.endsWith("\"")) || (name.startsWith("`") && name.endsWith("`"))
                || (name.startsWith("[") && name.endsWith("]")))) {
            name = name.substring(1, name.length() - 1);
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** Rides on TablesNamesFinder's walk over every part of the statement. */
    private static final class Collector extends TablesNamesFinder<Void> {
        final Set<String> tables = new HashSet<>();
        final Map<String, String> aliasToTable = new HashMap<>();
        final List<ColumnReference> columns = new ArrayList<>();
        final Set<String> localNames = new HashSet<>();

        Collector() {
            init(false);
        }

        @Override
        public <S> Void visit(Table table, S context) {
            String name = normalize(table.getName());
            tables.add(name);
            if (table.getAlias() != null) {
                aliasToTable.put(normalize(table.getAlias().getName()), name);
            }
            return super.visit(table, context);
        }

        @Override
        public <S> Void visit(Column column, S context) {
            String written = column.getColumnName().strip();
            String name = normalize(written);
            Table qualifier = column.getTable();
            String qualifierName = qualifier == null || qualifier.getName() == null ? null : normalize(qualifier.getName());
            if (!name.equals("*")) {
                columns.add(new ColumnReference(qualifierName, name, written.startsWith("\"")));
            }
            return super.visit(column, context);
        }

        @Override
        public <S> Void visit(WithItem<?> withItem, S context) {
            localNames.add(normalize(withItem.getAliasName()));
            return super.visit(withItem, context);
        }

        @Override
        public <S> Void visit(ParenthesedSelect select, S context) {
            if (select.getAlias() != null) {
                localNames.add(normalize(select.getAlias().getName()));
            }
            return super.visit(select, context);
        }

        @Override
        public <S> Void visit(SelectItem<?> item, S context) {
            if (item.getAlias() != null) {
                localNames.add(normalize(item.getAlias().getName()));
            }
            return super.visit(item, context);
        }
    }
}
