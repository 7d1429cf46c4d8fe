package dev.sqlrl.sql.spider;

import dev.sqlrl.sql.spider.SpiderSql.Agg;
import dev.sqlrl.sql.spider.SpiderSql.CondUnit;
import dev.sqlrl.sql.spider.SpiderSql.Condition;
import dev.sqlrl.sql.spider.SpiderSql.Conjunction;
import dev.sqlrl.sql.spider.SpiderSql.SubqueryValue;
import dev.sqlrl.sql.spider.SpiderSql.ValUnit;
import dev.sqlrl.sql.spider.SpiderSql.WhereOp;
import java.util.List;
import java.util.stream.Stream;

/**
 * evaluation.py's {@code eval_hardness} on the parsed gold query (before values and foreign keys are
 * normalised), with {@code count_component1}, {@code count_component2} and {@code count_others}. Its
 * aggregate count has two quirks kept here: a WHERE/HAVING unit counts as an aggregate when it has NOT
 * (has_agg reads the unit's first field, not_op), and every AND/OR inside HAVING counts as one.
 */
public final class SpiderHardnessClassifier {
    private SpiderHardnessClassifier() {}

    public static Hardness classify(SpiderSql sql) {
        int component1 = countComponent1(sql);
        int component2 = countComponent2(sql);
        int others = countOthers(sql);
        if (component1 <= 1 && others == 0 && component2 == 0) {
            return Hardness.EASY;
        }
        if ((others <= 2 && component1 <= 1 && component2 == 0) || (component1 <= 2 && others < 2 && component2 == 0)) {
            return Hardness.MEDIUM;
        }
        if ((others > 2 && component1 <= 2 && component2 == 0)
                || (2 < component1 && component1 <= 3 && others <= 2 && component2 == 0)
                || (component1 <= 1 && others == 0 && component2 <= 1)) {
            return Hardness.HARD;
        }
        return Hardness.EXTRA;
    }

    static int countComponent1(SpiderSql sql) {
        int count = 0;
        if (!sql.where().isEmpty()) {
            count++;
        }
        if (!sql.groupBy().isEmpty()) {
            count++;
        }
        if (sql.orderBy() != null) {
            count++;
        }
        if (sql.limit() != null) {
            count++;
        }
        if (!sql.tableUnits().isEmpty()) {
            count += sql.tableUnits().size() - 1;
        }
        count += (int) conditions(sql).flatMap(c -> c.conjunctions().stream()).filter(c -> c == Conjunction.OR).count();
        count += (int) condUnits(sql).filter(u -> u.op() == WhereOp.LIKE).count();
        return count;
    }

    /** get_nestedSQL: subqueries in FROM-ON, WHERE and HAVING values, plus INTERSECT/EXCEPT/UNION. */
    static int countComponent2(SpiderSql sql) {
        return nested(sql).size();
    }

    static List<SpiderSql> nested(SpiderSql sql) {
        Stream<SpiderSql> inConditions = condUnits(sql)
                .flatMap(u -> Stream.of(u.value1(), u.value2()))
                .filter(v -> v instanceof SubqueryValue)
                .map(v -> ((SubqueryValue) v).sql());
        return Stream.concat(inConditions, Stream.of(sql.intersect(), sql.except(), sql.union()))
                .filter(s -> s != null).toList();
    }

    static int countOthers(SpiderSql sql) {
        int count = 0;
        long aggregates = sql.select().stream().filter(item -> item.agg() != Agg.NONE).count();
        aggregates += sql.where().units().stream().filter(CondUnit::not).count();
        aggregates += sql.groupBy().stream().filter(unit -> unit.agg() != Agg.NONE).count();
        if (sql.orderBy() != null) {
            for (ValUnit key : sql.orderBy().keys()) {
                aggregates += Stream.of(key.left(), key.right())
                        .filter(unit -> unit != null && unit.agg() != Agg.NONE).count();
            }
        }
        aggregates += sql.having().conjunctions().size() + sql.having().units().stream().filter(CondUnit::not).count();
        if (aggregates > 1) {
            count++;
        }
        if (sql.select().size() > 1) {
            count++;
        }
        if (sql.where().pythonLength() > 1) {
            count++;
        }
        if (sql.groupBy().size() > 1) {
            count++;
        }
        return count;
    }

    private static Stream<Condition> conditions(SpiderSql sql) {
        return Stream.of(sql.fromConds(), sql.where(), sql.having());
    }

    static Stream<CondUnit> condUnits(SpiderSql sql) {
        return conditions(sql).flatMap(c -> c.units().stream());
    }
}
