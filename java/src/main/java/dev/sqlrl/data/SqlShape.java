package dev.sqlrl.data;

import dev.sqlrl.sql.SqlParsing;
import java.util.Optional;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Structural counts of a query, for dataset statistics: joins (explicit JOIN or comma-separated
 * FROM items), nested SELECTs (subqueries anywhere, not counting UNION/INTERSECT/EXCEPT branches),
 * and set operations.
 */
public record SqlShape(int joins, int nestedSelects, int setOperations) {

    /** The shape of a query, or empty when JSqlParser cannot parse it. */
    public static Optional<SqlShape> of(String sql) {
        return SqlParsing.parse(sql).map(SqlShape::of);
    }

    public static SqlShape of(Statement statement) {
        Counter counter = new Counter();
        counter.getTables(statement);
        // Each set operation adds one SELECT that is a sibling, not a nested query.
        int nested = Math.max(0, counter.selects - 1 - counter.setOperations);
        return new SqlShape(counter.joins, nested, counter.setOperations);
    }

    /** JSqlParser's TablesNamesFinder already walks every SELECT of a statement; this counts what it passes. */
    private static final class Counter extends TablesNamesFinder<Void> {
        int selects;
        int joins;
        int setOperations;

        Counter() {
            init(false);
        }

        @Override
        public <S> Void visit(PlainSelect plainSelect, S context) {
            selects++;
            if (plainSelect.getJoins() != null) {
                joins += plainSelect.getJoins().size();
            }
            return super.visit(plainSelect, context);
        }

        @Override
        public <S> Void visit(SetOperationList list, S context) {
            setOperations += list.getOperations().size();
            return super.visit(list, context);
        }
    }
}
