package dev.sqlrl.sql.spider;

import dev.sqlrl.sql.spider.SpiderSql.ColUnit;
import dev.sqlrl.sql.spider.SpiderSql.CondUnit;
import dev.sqlrl.sql.spider.SpiderSql.CondValue;
import dev.sqlrl.sql.spider.SpiderSql.Condition;
import dev.sqlrl.sql.spider.SpiderSql.OrderBy;
import dev.sqlrl.sql.spider.SpiderSql.SelectItem;
import dev.sqlrl.sql.spider.SpiderSql.SubqueryValue;
import dev.sqlrl.sql.spider.SpiderSql.TableRef;
import dev.sqlrl.sql.spider.SpiderSql.TableUnit;
import dev.sqlrl.sql.spider.SpiderSql.ValUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * evaluation.py's normalisation before exact matching: {@code rebuild_sql_val} drops every condition
 * value that is not a nested query, and {@code rebuild_sql_col} drops DISTINCT and maps each column of
 * a FROM table to its foreign-key representative. Like the original, the column pass covers the
 * query and its INTERSECT/UNION/EXCEPT parts but not subqueries inside conditions or FROM.
 */
final class SpiderSqlRebuilder {
    private SpiderSqlRebuilder() {}

    /** Both passes, as the evaluator applies them to the gold and to the prediction. */
    static SpiderSql normalize(SpiderSql sql, SpiderSchema schema) {
        return rebuildColumns(validColumns(sql, schema), rebuildValues(sql), schema);
    }

    /** build_valid_col_units: every column of the tables named in the query's own FROM. */
    private static Set<String> validColumns(SpiderSql sql, SpiderSchema schema) {
        Set<String> valid = new HashSet<>();
        for (TableUnit unit : sql.tableUnits()) {
            if (unit instanceof TableRef ref) {
                String id = ref.tableId();
                String table = id.substring(2, id.length() - 2);
                for (String column : schema.columns(table)) {
                    valid.add(SpiderSchema.columnId(table, column));
                }
            }
        }
        return valid;
    }

    static SpiderSql rebuildValues(SpiderSql sql) {
        if (sql == null) {
            return null;
        }
        return new SpiderSql(sql.distinct(), sql.select(), sql.tableUnits(), withoutValues(sql.fromConds()),
                withoutValues(sql.where()), sql.groupBy(), withoutValues(sql.having()), sql.orderBy(), sql.limit(),
                rebuildValues(sql.intersect()), rebuildValues(sql.except()), rebuildValues(sql.union()));
    }

    private static Condition withoutValues(Condition condition) {
        return new Condition(condition.units().stream()
                .map(u -> new CondUnit(u.not(), u.op(), u.valUnit(), onlySubquery(u.value1()), onlySubquery(u.value2())))
                .toList(), condition.conjunctions());
    }

    private static CondValue onlySubquery(CondValue value) {
        return value instanceof SubqueryValue subquery ? new SubqueryValue(rebuildValues(subquery.sql())) : null;
    }

    private static SpiderSql rebuildColumns(Set<String> valid, SpiderSql sql, SpiderSchema schema) {
        if (sql == null) {
            return null;
        }
        ColumnMapper mapper = new ColumnMapper(valid, schema);
        List<SelectItem> select = sql.select().stream()
                .map(item -> new SelectItem(item.agg(), mapper.valUnit(item.valUnit()))).toList();
        OrderBy orderBy = sql.orderBy() == null ? null
                : new OrderBy(sql.orderBy().direction(), sql.orderBy().keys().stream().map(mapper::valUnit).toList());
        return new SpiderSql(false, select, sql.tableUnits(), mapper.condition(sql.fromConds()),
                mapper.condition(sql.where()), sql.groupBy().stream().map(mapper::colUnit).toList(),
                mapper.condition(sql.having()), orderBy, sql.limit(), rebuildColumns(valid, sql.intersect(), schema),
                rebuildColumns(valid, sql.except(), schema), rebuildColumns(valid, sql.union(), schema));
    }

    private record ColumnMapper(Set<String> valid, SpiderSchema schema) {
        ColUnit colUnit(ColUnit unit) {
            if (unit == null) {
                return null;
            }
            String id = unit.columnId();
            if (schema.inForeignKey(id) && valid.contains(id)) {
                id = schema.foreignKeyRepresentative(id);
            }
            return new ColUnit(unit.agg(), id, false);
        }

        ValUnit valUnit(ValUnit unit) {
            return unit == null ? null : new ValUnit(unit.op(), colUnit(unit.left()), colUnit(unit.right()));
        }

        /** Only the left-hand value unit: condition values (columns included) were dropped, subqueries are left alone. */
        Condition condition(Condition condition) {
            return new Condition(condition.units().stream()
                    .map(u -> new CondUnit(u.not(), u.op(), valUnit(u.valUnit()), u.value1(), u.value2())).toList(),
                    condition.conjunctions());
        }
    }
}
