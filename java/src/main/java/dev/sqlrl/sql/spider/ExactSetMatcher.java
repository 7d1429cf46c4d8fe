package dev.sqlrl.sql.spider;

import dev.sqlrl.sql.spider.SpiderSql.CondUnit;
import dev.sqlrl.sql.spider.SpiderSql.Conjunction;
import dev.sqlrl.sql.spider.SpiderSql.SelectItem;
import dev.sqlrl.sql.spider.SpiderSql.SubqueryTable;
import dev.sqlrl.sql.spider.SpiderSql.TableRef;
import dev.sqlrl.sql.spider.SpiderSql.TableUnit;
import dev.sqlrl.sql.spider.SpiderSql.WhereOp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * evaluation.py's {@code Evaluator.eval_exact_match} and {@code eval_partial_match} on two queries that
 * have already been normalised ({@link SpiderSqlRebuilder}): eval_sel, eval_where, eval_group,
 * eval_having, eval_order, eval_and_or, eval_IUEN and eval_keywords, then the FROM tables as sorted lists.
 */
public final class ExactSetMatcher {
    private ExactSetMatcher() {}

    /** Exact set match of normalised queries. */
    public static boolean exactMatch(SpiderSql pred, SpiderSql label) {
        return partialMatch(pred, label).allComponentsMatch() && sameTables(pred, label);
    }

    private static boolean sameTables(SpiderSql pred, SpiderSql label) {
        if (label.tableUnits().isEmpty()) {
            return true;
        }
        return sortedTables(label).equals(sortedTables(pred));
    }

    /** Python's sorted() on ('sql', dict) / ('table_unit', id) tuples: subqueries first, then table ids. */
    private static List<TableUnit> sortedTables(SpiderSql sql) {
        List<TableUnit> units = new ArrayList<>(sql.tableUnits());
        units.sort(Comparator.comparing((TableUnit u) -> u instanceof SubqueryTable ? 0 : 1)
                .thenComparing(u -> u instanceof TableRef ref ? ref.tableId() : ""));
        return units;
    }

    public static PartialMatch partialMatch(SpiderSql pred, SpiderSql label) {
        Map<String, ComponentScore> scores = new LinkedHashMap<>();
        scores.put(PartialMatch.SELECT, matchUnits(pred.select(), label.select()));
        scores.put(PartialMatch.SELECT_NO_AGG, matchUnits(pred.select().stream().map(SelectItem::valUnit).toList(),
                label.select().stream().map(SelectItem::valUnit).toList()));
        scores.put(PartialMatch.WHERE, matchUnits(pred.where().units(), label.where().units()));
        scores.put(PartialMatch.WHERE_NO_OP, matchUnits(pred.where().units().stream().map(CondUnit::valUnit).toList(),
                label.where().units().stream().map(CondUnit::valUnit).toList()));
        scores.put(PartialMatch.GROUP_NO_HAVING, group(pred, label));
        scores.put(PartialMatch.GROUP, having(pred, label));
        scores.put(PartialMatch.ORDER, order(pred, label));
        scores.put(PartialMatch.AND_OR, andOr(pred, label));
        scores.put(PartialMatch.IUEN, iuen(pred, label));
        scores.put(PartialMatch.KEYWORDS, keywords(pred, label));
        return new PartialMatch(scores);
    }

    /** Multiset matching: each predicted unit consumes one equal gold unit. */
    private static <T> ComponentScore matchUnits(List<T> pred, List<T> label) {
        List<T> remaining = new ArrayList<>(label);
        int matched = 0;
        for (T unit : pred) {
            if (remaining.remove(unit)) {
                matched++;
            }
        }
        return new ComponentScore(label.size(), pred.size(), matched);
    }

    /** eval_group: GROUP BY columns compared by column name only (the table part of the id is cut off). */
    private static ComponentScore group(SpiderSql pred, SpiderSql label) {
        return matchUnits(pred.groupBy().stream().map(u -> withoutTable(u.columnId())).toList(),
                label.groupBy().stream().map(u -> withoutTable(u.columnId())).toList());
    }

    private static String withoutTable(String columnId) {
        int dot = columnId.indexOf('.');
        if (dot < 0) {
            return columnId;
        }
        int next = columnId.indexOf('.', dot + 1);
        return next < 0 ? columnId.substring(dot + 1) : columnId.substring(dot + 1, next);
    }

    /** eval_having: one unit per side that groups; it matches when the GROUP BY ids and HAVING are equal. */
    private static ComponentScore having(SpiderSql pred, SpiderSql label) {
        int predTotal = pred.groupBy().isEmpty() ? 0 : 1;
        int labelTotal = label.groupBy().isEmpty() ? 0 : 1;
        boolean same = predTotal == 1 && labelTotal == 1
                && pred.groupBy().stream().map(u -> u.columnId()).toList()
                        .equals(label.groupBy().stream().map(u -> u.columnId()).toList())
                && pred.having().equals(label.having());
        return new ComponentScore(labelTotal, predTotal, same ? 1 : 0);
    }

    /** eval_order: ORDER BY equal, and LIMIT present on both sides or on neither. */
    private static ComponentScore order(SpiderSql pred, SpiderSql label) {
        int predTotal = pred.orderBy() == null ? 0 : 1;
        int labelTotal = label.orderBy() == null ? 0 : 1;
        boolean same = label.orderBy() != null && label.orderBy().equals(pred.orderBy())
                && (pred.limit() == null) == (label.limit() == null);
        return new ComponentScore(labelTotal, predTotal, same ? 1 : 0);
    }

    /** eval_and_or: the sets of conjunctions used in WHERE. */
    private static ComponentScore andOr(SpiderSql pred, SpiderSql label) {
        Set<Conjunction> predSet = conjunctionSet(pred);
        Set<Conjunction> labelSet = conjunctionSet(label);
        if (predSet.equals(labelSet)) {
            return new ComponentScore(1, 1, 1);
        }
        return new ComponentScore(labelSet.size(), predSet.size(), 0);
    }

    private static Set<Conjunction> conjunctionSet(SpiderSql sql) {
        Set<Conjunction> set = EnumSet.noneOf(Conjunction.class);
        set.addAll(sql.where().conjunctions());
        return set;
    }

    /** eval_IUEN: each of INTERSECT, EXCEPT, UNION present on a side counts; a pair counts if it matches exactly. */
    private static ComponentScore iuen(SpiderSql pred, SpiderSql label) {
        int labelTotal = 0;
        int predTotal = 0;
        int matched = 0;
        SpiderSql[][] pairs = {
            {pred.intersect(), label.intersect()}, {pred.except(), label.except()}, {pred.union(), label.union()}
        };
        for (SpiderSql[] pair : pairs) {
            predTotal += pair[0] != null ? 1 : 0;
            labelTotal += pair[1] != null ? 1 : 0;
            if (pair[0] != null && pair[1] != null && exactMatch(pair[0], pair[1])) {
                matched++;
            }
        }
        return new ComponentScore(labelTotal, predTotal, matched);
    }

    private static ComponentScore keywords(SpiderSql pred, SpiderSql label) {
        Set<String> predKeywords = keywordSet(pred);
        Set<String> labelKeywords = keywordSet(label);
        int matched = (int) predKeywords.stream().filter(labelKeywords::contains).count();
        return new ComponentScore(labelKeywords.size(), predKeywords.size(), matched);
    }

    /** get_keywords: the clauses and operators a query uses. */
    static Set<String> keywordSet(SpiderSql sql) {
        Set<String> keywords = new TreeSet<>();
        if (!sql.where().isEmpty()) {
            keywords.add("where");
        }
        if (!sql.groupBy().isEmpty()) {
            keywords.add("group");
        }
        if (!sql.having().isEmpty()) {
            keywords.add("having");
        }
        if (sql.orderBy() != null) {
            keywords.add(sql.orderBy().direction());
            keywords.add("order");
        }
        if (sql.limit() != null) {
            keywords.add("limit");
        }
        if (sql.except() != null) {
            keywords.add("except");
        }
        if (sql.union() != null) {
            keywords.add("union");
        }
        if (sql.intersect() != null) {
            keywords.add("intersect");
        }
        boolean hasOr = java.util.stream.Stream.of(sql.fromConds(), sql.where(), sql.having())
                .anyMatch(c -> c.conjunctions().contains(Conjunction.OR));
        if (hasOr) {
            keywords.add("or");
        }
        List<CondUnit> units = SpiderHardnessClassifier.condUnits(sql).toList();
        if (units.stream().anyMatch(CondUnit::not)) {
            keywords.add("not");
        }
        if (units.stream().anyMatch(u -> u.op() == WhereOp.IN)) {
            keywords.add("in");
        }
        if (units.stream().anyMatch(u -> u.op() == WhereOp.LIKE)) {
            keywords.add("like");
        }
        return keywords;
    }
}
