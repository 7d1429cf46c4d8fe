package dev.sqlrl.sql.spider;

import java.util.List;

/**
 * The structure that the official Spider parser (process_sql.py) gives a query: the Java form of
 * its {@code sql} dict, with the same fields and the same equality (records compare structurally,
 * like the Python tuples and dicts they stand for). Column and table ids are process_sql's
 * strings: {@code __table.column__}, {@code __table__}, and {@code __all__} for {@code *}.
 *
 * @param distinct   SELECT DISTINCT
 * @param select     the select items
 * @param tableUnits the FROM items in written order (tables and subqueries)
 * @param fromConds  the ON conditions of the joins, joined with "and"
 * @param where      the WHERE condition (empty when absent)
 * @param groupBy    the GROUP BY columns
 * @param having     the HAVING condition (empty when absent)
 * @param orderBy    the ORDER BY clause, or null when absent
 * @param limit      null, or 1: process_sql keeps only whether a LIMIT is present
 * @param intersect  the query after INTERSECT, or null
 * @param except     the query after EXCEPT, or null
 * @param union      the query after UNION, or null
 */
public record SpiderSql(
        boolean distinct,
        List<SelectItem> select,
        List<TableUnit> tableUnits,
        Condition fromConds,
        Condition where,
        List<ColUnit> groupBy,
        Condition having,
        OrderBy orderBy,
        Integer limit,
        SpiderSql intersect,
        SpiderSql except,
        SpiderSql union) {

    public SpiderSql {
        select = List.copyOf(select);
        tableUnits = List.copyOf(tableUnits);
        groupBy = List.copyOf(groupBy);
    }

    /** The query the official evaluator scores a prediction as when its parser rejects it. */
    public static SpiderSql empty() {
        return new SpiderSql(false, List.of(), List.of(), Condition.NONE, Condition.NONE, List.of(), Condition.NONE,
                null, null, null, null, null);
    }

    /** Aggregates, in process_sql's AGG_OPS order (the index is the id the evaluator compares). */
    public enum Agg { NONE, MAX, MIN, COUNT, SUM, AVG }

    /** Arithmetic between two columns, in UNIT_OPS order. */
    public enum UnitOp { NONE, MINUS, PLUS, TIMES, DIVIDE }

    /** Condition operators, in WHERE_OPS order ("not" is a flag of the condition, never an operator here). */
    public enum WhereOp { NOT, BETWEEN, EQ, GT, LT, GE, LE, NE, IN, LIKE, IS, EXISTS }

    /** A column reference: {@code (agg_id, col_id, isDistinct)}. */
    public record ColUnit(Agg agg, String columnId, boolean distinct) {
        ColUnit withoutDistinct() {
            return new ColUnit(agg, columnId, false);
        }

        ColUnit withColumnId(String id) {
            return new ColUnit(agg, id, distinct);
        }
    }

    /** {@code (unit_op, col_unit1, col_unit2)}; {@code right} is null unless {@code op} is not NONE. */
    public record ValUnit(UnitOp op, ColUnit left, ColUnit right) {
        static ValUnit of(ColUnit column) {
            return new ValUnit(UnitOp.NONE, column, null);
        }
    }

    /** A select item: an aggregate applied to a value unit, {@code (agg_id, val_unit)}. */
    public record SelectItem(Agg agg, ValUnit valUnit) {}

    /** The right-hand side of a condition: a number, a string, a column or a nested query. */
    public sealed interface CondValue permits NumberValue, StringValue, ColumnValue, SubqueryValue {}

    public record NumberValue(double value) implements CondValue {}

    /** A string literal as process_sql keeps it: lower-cased, in double quotes. */
    public record StringValue(String quoted) implements CondValue {}

    public record ColumnValue(ColUnit column) implements CondValue {}

    public record SubqueryValue(SpiderSql sql) implements CondValue {}

    /** {@code (not_op, op_id, val_unit, val1, val2)}; val2 only for BETWEEN; values may be null after rebuilding. */
    public record CondUnit(boolean not, WhereOp op, ValUnit valUnit, CondValue value1, CondValue value2) {}

    /** "and" / "or" between two condition units. */
    public enum Conjunction { AND, OR }

    /**
     * process_sql's flat condition list {@code [cond_unit, 'and'/'or', cond_unit, ...]}: units and the
     * conjunctions between them, in written order (conjunctions.size() == units.size() - 1).
     */
    public record Condition(List<CondUnit> units, List<Conjunction> conjunctions) {
        public static final Condition NONE = new Condition(List.of(), List.of());

        public Condition {
            units = List.copyOf(units);
            conjunctions = List.copyOf(conjunctions);
        }

        public boolean isEmpty() {
            return units.isEmpty();
        }

        /** len(condition) of the Python list: units plus conjunctions. */
        public int pythonLength() {
            return units.size() + conjunctions.size();
        }
    }

    /** A FROM item: {@code ('table_unit', '__table__')} or {@code ('sql', sql)}. */
    public sealed interface TableUnit permits TableRef, SubqueryTable {}

    public record TableRef(String tableId) implements TableUnit {}

    public record SubqueryTable(SpiderSql sql) implements TableUnit {}

    /** ORDER BY: one direction for the whole clause (process_sql keeps the last ASC/DESC written) and the keys. */
    public record OrderBy(String direction, List<ValUnit> keys) {
        public OrderBy {
            keys = List.copyOf(keys);
        }
    }
}
