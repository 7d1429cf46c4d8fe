package dev.sqlrl.sql.spider;

import dev.sqlrl.sql.SqlParsing;

import dev.sqlrl.sql.spider.SpiderSql.Agg;
import dev.sqlrl.sql.spider.SpiderSql.ColUnit;
import dev.sqlrl.sql.spider.SpiderSql.ColumnValue;
import dev.sqlrl.sql.spider.SpiderSql.CondUnit;
import dev.sqlrl.sql.spider.SpiderSql.CondValue;
import dev.sqlrl.sql.spider.SpiderSql.Condition;
import dev.sqlrl.sql.spider.SpiderSql.Conjunction;
import dev.sqlrl.sql.spider.SpiderSql.NumberValue;
import dev.sqlrl.sql.spider.SpiderSql.OrderBy;
import dev.sqlrl.sql.spider.SpiderSql.SelectItem;
import dev.sqlrl.sql.spider.SpiderSql.StringValue;
import dev.sqlrl.sql.spider.SpiderSql.SubqueryTable;
import dev.sqlrl.sql.spider.SpiderSql.SubqueryValue;
import dev.sqlrl.sql.spider.SpiderSql.TableRef;
import dev.sqlrl.sql.spider.SpiderSql.TableUnit;
import dev.sqlrl.sql.spider.SpiderSql.UnitOp;
import dev.sqlrl.sql.spider.SpiderSql.ValUnit;
import dev.sqlrl.sql.spider.SpiderSql.WhereOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.ExceptOp;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.IntersectOp;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperation;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.UnionOp;

/**
 * Turns SQL into the structure process_sql.py gives it, by walking JSqlParser's AST, and rejects
 * what process_sql rejects (it has a small grammar: no column aliases, table aliases only with AS,
 * plain JOIN only, no IN lists, no IS NULL, no parenthesised conditions, columns resolved against
 * the schema, ...). The official evaluator scores a prediction it cannot parse as the empty query.
 */
public final class SpiderSqlParser {
    private static final Pattern DANGLING_ON = Pattern.compile("\\s+(?i:on)[\\s;]*$");

    private final SpiderSchema schema;

    public SpiderSqlParser(SpiderSchema schema) {
        this.schema = schema;
    }

    /** The process_sql structure of a query, or why process_sql would reject it. */
    public SpiderSql parse(String sql) throws SpiderParseException {
        Map<String, String> tablesWithAlias = ProcessSqlTokens.tablesWithAlias(sql, schema);
        Statement statement;
        try {
            statement = SqlParsing.parseOrThrow(sql);
        } catch (JSQLParserException e) {
            Matcher danglingOn = DANGLING_ON.matcher(sql);
            if (!danglingOn.find()) {
                String message = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
                throw new SpiderParseException("syntax: " + firstLine(message));
            }
            // process_sql reads an ON with nothing after it (a truncated query) as a join without condition.
            return parse(sql.substring(0, danglingOn.start()));
        }
        if (!(statement instanceof Select select)) {
            throw new SpiderParseException("not a SELECT statement");
        }
        return new QueryConverter(tablesWithAlias).select(select, List.of(), null, true);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparseable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    /** One conversion; the alias table is shared by every nested query, as in process_sql. */
    private final class QueryConverter {
        private final Map<String, String> tablesWithAlias;

        QueryConverter(Map<String, String> tablesWithAlias) {
            this.tablesWithAlias = tablesWithAlias;
        }

        /**
         * A query; {@code trailingOrderBy}/{@code trailingLimit} are the ORDER BY and LIMIT that JSqlParser
         * hangs on a set operation but that process_sql reads as clauses of its last query;
         * {@code endsStatement}: nothing of the statement follows this query (process_sql ignores what it
         * cannot read there).
         */
        SpiderSql select(Select select, List<OrderByElement> trailingOrderBy, Limit trailingLimit,
                boolean endsStatement) throws SpiderParseException {
            if (select.getWithItemsList() != null && !select.getWithItemsList().isEmpty()) {
                throw new SpiderParseException("WITH is not supported");
            }
            if (select.getOffset() != null || select.getFetch() != null) {
                throw new SpiderParseException("OFFSET/FETCH is not supported");
            }
            return switch (select) {
                case PlainSelect plain -> plainSelect(plain, trailingOrderBy, trailingLimit, endsStatement);
                case SetOperationList setOperations ->
                        setOperations(setOperations, trailingOrderBy, trailingLimit, endsStatement);
                case ParenthesedSelect parenthesed -> {
                    if (parenthesed.getAlias() != null) {
                        throw new SpiderParseException("alias on a subquery");
                    }
                    yield select(parenthesed.getSelect(), merge(parenthesed.getOrderByElements(), trailingOrderBy),
                            parenthesed.getLimit() != null ? parenthesed.getLimit() : trailingLimit, false);
                }
                default -> throw new SpiderParseException("unsupported query form: " + select.getClass().getSimpleName());
            };
        }

        private List<OrderByElement> merge(List<OrderByElement> own, List<OrderByElement> trailing)
                throws SpiderParseException {
            if (own != null && !own.isEmpty() && !trailing.isEmpty()) {
                throw new SpiderParseException("two ORDER BY clauses");
            }
            return own != null && !own.isEmpty() ? own : trailing;
        }

        /** process_sql reads {@code A op1 B op2 C} as A with op1 = (B with op2 = C). */
        private SpiderSql setOperations(SetOperationList list, List<OrderByElement> trailingOrderBy, Limit trailingLimit,
                boolean endsStatement) throws SpiderParseException {
            List<Select> selects = list.getSelects();
            List<OrderByElement> lastOrderBy = merge(list.getOrderByElements(), trailingOrderBy);
            if (list.getLimit() != null && trailingLimit != null) {
                throw new SpiderParseException("two LIMIT clauses");
            }
            Limit lastLimit = list.getLimit() != null ? list.getLimit() : trailingLimit;
            SpiderSql tail = select(selects.getLast(), lastOrderBy, lastLimit, endsStatement);
            for (int i = selects.size() - 2; i >= 0; i--) {
                SpiderSql head = select(selects.get(i), List.of(), null, false);
                SetOperation operation = list.getOperation(i);
                tail = switch (operation) {
                    case UnionOp union when !union.isAll() -> withSetOperation(head, null, null, tail);
                    case IntersectOp intersect when !intersect.isAll() -> withSetOperation(head, tail, null, null);
                    case ExceptOp except when !except.isAll() -> withSetOperation(head, null, tail, null);
                    default -> throw new SpiderParseException("unsupported set operation: " + operation);
                };
            }
            return tail;
        }

        private SpiderSql withSetOperation(SpiderSql head, SpiderSql intersect, SpiderSql except, SpiderSql union)
                throws SpiderParseException {
            if (head.intersect() != null || head.except() != null || head.union() != null) {
                throw new SpiderParseException("set operation inside a set operation");
            }
            return new SpiderSql(head.distinct(), head.select(), head.tableUnits(), head.fromConds(), head.where(),
                    head.groupBy(), head.having(), head.orderBy(), head.limit(), intersect, except, union);
        }

        private SpiderSql plainSelect(PlainSelect select, List<OrderByElement> trailingOrderBy, Limit trailingLimit,
                boolean endsStatement) throws SpiderParseException {
            rejectUnsupportedClauses(select);
            if (select.getFromItem() == null) {
                throw new SpiderParseException("'from' not found");
            }
            List<TableUnit> tableUnits = new ArrayList<>();
            List<String> defaultTables = new ArrayList<>();
            addFromItem(select.getFromItem(), tableUnits, defaultTables);
            ConditionBuilder fromConds = new ConditionBuilder();
            if (select.getJoins() != null) {
                for (Join join : select.getJoins()) {
                    checkPlainJoin(join);
                    addFromItem(join.getRightItem(), tableUnits, defaultTables);
                    for (Expression on : join.getOnExpressions()) {
                        if (!fromConds.isEmpty()) {
                            fromConds.conjunctions.add(Conjunction.AND);
                        }
                        condition(on, List.copyOf(defaultTables), fromConds);
                    }
                }
            }
            boolean distinct = false;
            if (select.getDistinct() != null) {
                if (select.getDistinct().getOnSelectItems() != null || select.getDistinct().isUseUnique()) {
                    throw new SpiderParseException("DISTINCT ON / UNIQUE is not supported");
                }
                distinct = true;
            }
            List<SelectItem> items = new ArrayList<>();
            for (net.sf.jsqlparser.statement.select.SelectItem<?> item : select.getSelectItems()) {
                items.add(selectItem(item, defaultTables));
            }
            Condition where = conditionOf(select.getWhere(), defaultTables);
            List<ColUnit> groupBy = new ArrayList<>();
            if (select.getGroupBy() != null) {
                if (select.getGroupBy().getGroupingSets() != null && !select.getGroupBy().getGroupingSets().isEmpty()) {
                    throw new SpiderParseException("GROUPING SETS is not supported");
                }
                ExpressionList<?> keys = select.getGroupBy().getGroupByExpressionList();
                for (Expression key : keys) {
                    groupBy.add(colUnit(key, defaultTables));
                }
            }
            Condition having = conditionOf(select.getHaving(), defaultTables);
            List<OrderByElement> orderByElements = merge(select.getOrderByElements(), trailingOrderBy);
            OrderByRead orderBy = orderByElements.isEmpty() ? new OrderByRead(null, false)
                    : orderBy(orderByElements, defaultTables, endsStatement);
            if (select.getLimit() != null && trailingLimit != null) {
                throw new SpiderParseException("two LIMIT clauses");
            }
            // When process_sql stops reading inside ORDER BY, it never sees the LIMIT.
            Limit limit = orderBy.stoppedEarly() ? null : select.getLimit() != null ? select.getLimit() : trailingLimit;
            if (limit != null && (limit.getOffset() != null || limit.getRowCount() == null)) {
                throw new SpiderParseException("LIMIT with an offset is not supported");
            }
            // process_sql keeps no limit value: any LIMIT reads as 1.
            Integer limitValue = limit == null ? null : 1;
            return new SpiderSql(distinct, items, tableUnits, fromConds.build(), where, groupBy, having,
                    orderBy.orderBy(), limitValue, null, null, null);
        }

        private void rejectUnsupportedClauses(PlainSelect select) throws SpiderParseException {
            if (select.getIntoTables() != null || select.getTop() != null || select.getFirst() != null
                    || select.getSkip() != null || select.getQualify() != null
                    || select.getWindowDefinitions() != null || select.getLateralViews() != null
                    || select.getOracleHierarchical() != null) {
                throw new SpiderParseException("unsupported clause in " + select);
            }
        }

        private void checkPlainJoin(Join join) throws SpiderParseException {
            if (join.isSimple()) {
                throw new SpiderParseException("comma-separated FROM: process_sql reads only JOIN");
            }
            if (join.isInner() || join.isLeft() || join.isRight() || join.isOuter() || join.isNatural()
                    || join.isCross() || join.isFull() || join.isStraight() || join.isSemi() || join.isApply()
                    || join.isGlobal()) {
                throw new SpiderParseException("only plain JOIN is supported, not '" + join + "'");
            }
            if (join.getUsingColumns() != null && !join.getUsingColumns().isEmpty()) {
                throw new SpiderParseException("JOIN ... USING is not supported");
            }
        }

        private void addFromItem(FromItem item, List<TableUnit> tableUnits, List<String> defaultTables)
                throws SpiderParseException {
            switch (item) {
                case Table table -> {
                    if (table.getAlias() != null && !table.getAlias().isUseAs()) {
                        throw new SpiderParseException("table alias without AS: " + table);
                    }
                    String name = tableName(table);
                    tableUnits.add(new TableRef(SpiderSchema.tableId(name)));
                    defaultTables.add(name);
                }
                case ParenthesedSelect subquery -> {
                    if (subquery.getAlias() != null) {
                        throw new SpiderParseException("alias on a FROM subquery");
                    }
                    tableUnits.add(new SubqueryTable(select(subquery, List.of(), null, false)));
                }
                default -> throw new SpiderParseException("unsupported FROM item: " + item);
            }
        }

        /** process_sql looks every table name up in its alias table (so an alias works as a table name). */
        private String tableName(Table table) throws SpiderParseException {
            if (table.getSchemaName() != null || table.getDatabase() != null && table.getDatabase().getDatabaseName() != null) {
                throw new SpiderParseException("qualified table name: " + table.getFullyQualifiedName());
            }
            String name = table.getName();
            if (isQuoted(name)) {
                throw new SpiderParseException("quoted table name: " + name);
            }
            String resolved = tablesWithAlias.get(lower(name));
            if (resolved == null || !schema.hasTable(resolved)) {
                throw new SpiderParseException("unknown table: " + name);
            }
            return resolved;
        }

        private SelectItem selectItem(net.sf.jsqlparser.statement.select.SelectItem<?> item, List<String> defaultTables)
                throws SpiderParseException {
            if (item.getAlias() != null) {
                throw new SpiderParseException("column alias: " + item);
            }
            Expression expression = item.getExpression();
            Agg agg = aggregateOf(expression);
            if (agg != Agg.NONE) {
                return new SelectItem(agg, aggregateArgument((Function) expression, defaultTables));
            }
            // At select level process_sql takes a leading aggregate for the whole item: "max(a) - b" leaves "- b" unread.
            if (isArithmetic(expression)
                    && aggregateOf(((BinaryExpression) expression).getLeftExpression()) != Agg.NONE) {
                throw new SpiderParseException("arithmetic on an aggregate in SELECT: " + expression);
            }
            return new SelectItem(Agg.NONE, valUnit(expression, defaultTables));
        }

        /** The value unit inside {@code agg( ... )} of a select item, DISTINCT going to its first column. */
        private ValUnit aggregateArgument(Function function, List<String> defaultTables) throws SpiderParseException {
            Expression argument = singleArgument(function);
            ValUnit unit = valUnit(argument, defaultTables);
            if (function.isDistinct()) {
                unit = new ValUnit(unit.op(), new ColUnit(unit.left().agg(), unit.left().columnId(), true), unit.right());
            }
            return unit;
        }

        private Expression singleArgument(Function function) throws SpiderParseException {
            if (function.isAllColumns()) {
                return new AllColumns();
            }
            ExpressionList<?> parameters = function.getParameters();
            if (parameters == null || parameters.size() != 1 || function.isUnique() || function.getKeep() != null
                    || function.getOrderByElements() != null || function.getNamedParameters() != null) {
                throw new SpiderParseException("aggregate needs exactly one argument: " + function);
            }
            return parameters.get(0);
        }

        private Agg aggregateOf(Expression expression) {
            if (expression instanceof Function function && function.getMultipartName().size() == 1) {
                return switch (lower(function.getName())) {
                    case "max" -> Agg.MAX;
                    case "min" -> Agg.MIN;
                    case "count" -> Agg.COUNT;
                    case "sum" -> Agg.SUM;
                    case "avg" -> Agg.AVG;
                    default -> Agg.NONE;
                };
            }
            return Agg.NONE;
        }

        private boolean isArithmetic(Expression expression) {
            return expression instanceof Addition || expression instanceof Subtraction
                    || expression instanceof Multiplication || expression instanceof Division;
        }

        /** parse_val_unit: a column unit, or two joined by one of - + * /, optionally in parentheses. */
        private ValUnit valUnit(Expression expression, List<String> defaultTables) throws SpiderParseException {
            Expression inner = parenthesised(expression);
            if (inner != null) {
                if (parenthesised(inner) != null || aggregateOf(inner) != Agg.NONE && !isArithmetic(inner)) {
                    // "(count(*))": process_sql's column parser returns before reading the closing parenthesis.
                    throw new SpiderParseException("parenthesised aggregate: " + expression);
                }
                return valUnit(inner, defaultTables);
            }
            UnitOp op = switch (expression) {
                case Subtraction s -> UnitOp.MINUS;
                case Addition a -> UnitOp.PLUS;
                case Multiplication m -> UnitOp.TIMES;
                case Division d -> UnitOp.DIVIDE;
                default -> UnitOp.NONE;
            };
            if (op == UnitOp.NONE) {
                return ValUnit.of(colUnit(expression, defaultTables));
            }
            BinaryExpression binary = (BinaryExpression) expression;
            return new ValUnit(op, colUnit(binary.getLeftExpression(), defaultTables),
                    colUnit(binary.getRightExpression(), defaultTables));
        }

        /** parse_col_unit: a column, {@code *}, or an aggregate of one (optionally DISTINCT). */
        private ColUnit colUnit(Expression expression, List<String> defaultTables) throws SpiderParseException {
            if (parenthesised(expression) instanceof Column column) {
                return colUnit(column, defaultTables);
            }
            Agg agg = aggregateOf(expression);
            if (agg != Agg.NONE) {
                Function function = (Function) expression;
                Expression argument = singleArgument(function);
                if (!(argument instanceof Column) && !(argument instanceof AllColumns && !(argument instanceof AllTableColumns))) {
                    throw new SpiderParseException("aggregate of an expression outside SELECT: " + function);
                }
                return new ColUnit(agg, columnId(argument, defaultTables), function.isDistinct());
            }
            return new ColUnit(Agg.NONE, columnId(expression, defaultTables), false);
        }

        /** parse_col: {@code *}, {@code alias.column} through the alias table, or the first FROM table that has it. */
        private String columnId(Expression expression, List<String> defaultTables) throws SpiderParseException {
            if (expression instanceof AllTableColumns) {
                throw new SpiderParseException("table.* is not supported: " + expression);
            }
            if (expression instanceof AllColumns) {
                return SpiderSchema.ALL_COLUMNS_ID;
            }
            if (!(expression instanceof Column column)) {
                throw new SpiderParseException("expected a column, got: " + expression);
            }
            String name = column.getColumnName();
            if (isQuoted(name)) {
                throw new SpiderParseException("quoted name where a column is expected: " + name);
            }
            String columnName = lower(name);
            Table qualifier = column.getTable();
            if (qualifier != null && qualifier.getName() != null) {
                if (qualifier.getSchemaName() != null || isQuoted(qualifier.getName())) {
                    throw new SpiderParseException("unsupported column qualifier: " + column);
                }
                String table = tablesWithAlias.get(lower(qualifier.getName()));
                if (table == null) {
                    throw new SpiderParseException("unknown table or alias: " + qualifier.getName());
                }
                if (!schema.hasColumn(table, columnName)) {
                    throw new SpiderParseException("unknown column: " + column);
                }
                return SpiderSchema.columnId(table, columnName);
            }
            if (defaultTables.isEmpty()) {
                throw new SpiderParseException("column " + name + " with no table to look it up in");
            }
            for (String table : defaultTables) {
                if (schema.hasColumn(table, columnName)) {
                    return SpiderSchema.columnId(table, columnName);
                }
            }
            throw new SpiderParseException("unknown column: " + name);
        }

        private Condition conditionOf(Expression expression, List<String> defaultTables) throws SpiderParseException {
            if (expression == null) {
                return Condition.NONE;
            }
            ConditionBuilder builder = new ConditionBuilder();
            condition(expression, defaultTables, builder);
            return builder.build();
        }

        /** parse_condition: a flat, left-to-right list of units joined by AND / OR; no parenthesised groups. */
        private void condition(Expression expression, List<String> defaultTables, ConditionBuilder into)
                throws SpiderParseException {
            if (expression instanceof AndExpression || expression instanceof OrExpression) {
                BinaryExpression binary = (BinaryExpression) expression;
                condition(binary.getLeftExpression(), defaultTables, into);
                into.conjunctions.add(expression instanceof AndExpression ? Conjunction.AND : Conjunction.OR);
                condition(binary.getRightExpression(), defaultTables, into);
                return;
            }
            into.units.add(condUnit(expression, defaultTables));
        }

        private CondUnit condUnit(Expression expression, List<String> defaultTables) throws SpiderParseException {
            switch (expression) {
                case Between between -> {
                    return new CondUnit(between.isNot(), WhereOp.BETWEEN, valUnit(between.getLeftExpression(), defaultTables),
                            value(between.getBetweenExpressionStart(), defaultTables),
                            value(between.getBetweenExpressionEnd(), defaultTables));
                }
                case InExpression in -> {
                    if (!(in.getRightExpression() instanceof ParenthesedSelect)) {
                        throw new SpiderParseException("IN needs a subquery, not a list: " + in);
                    }
                    return new CondUnit(in.isNot(), WhereOp.IN, valUnit(in.getLeftExpression(), defaultTables),
                            value(in.getRightExpression(), defaultTables), null);
                }
                case LikeExpression like -> {
                    if (like.getLikeKeyWord() != LikeExpression.KeyWord.LIKE || like.getEscape() != null
                            || like.isUseBinary()) {
                        throw new SpiderParseException("only LIKE is supported: " + like);
                    }
                    return new CondUnit(like.isNot(), WhereOp.LIKE, valUnit(like.getLeftExpression(), defaultTables),
                            value(like.getRightExpression(), defaultTables), null);
                }
                case ComparisonOperator comparison -> {
                    WhereOp op = switch (comparison) {
                        case EqualsTo e -> WhereOp.EQ;
                        case GreaterThan g -> WhereOp.GT;
                        case MinorThan m -> WhereOp.LT;
                        case GreaterThanEquals g -> WhereOp.GE;
                        case MinorThanEquals m -> WhereOp.LE;
                        case NotEqualsTo n when n.getStringExpression().equals("!=") -> WhereOp.NE;
                        default -> throw new SpiderParseException("unsupported comparison: " + comparison);
                    };
                    if (comparison.getOldOracleJoinSyntax() != 0) {
                        throw new SpiderParseException("unsupported comparison: " + comparison);
                    }
                    return new CondUnit(false, op, valUnit(comparison.getLeftExpression(), defaultTables),
                            value(comparison.getRightExpression(), defaultTables), null);
                }
                default -> throw new SpiderParseException("unsupported condition: " + expression);
            }
        }

        /** parse_value: a nested query, a string, a number, or a column (process_sql skips what follows it). */
        private CondValue value(Expression expression, List<String> defaultTables) throws SpiderParseException {
            switch (expression) {
                case ParenthesedSelect subquery -> {
                    return new SubqueryValue(select(subquery, List.of(), null, false));
                }
                case net.sf.jsqlparser.expression.StringValue string -> {
                    return new StringValue("\"" + lower(string.getValue()) + "\"");
                }
                case LongValue number -> {
                    return new NumberValue(Double.parseDouble(number.getStringValue()));
                }
                case DoubleValue number -> {
                    return new NumberValue(number.getValue());
                }
                case SignedExpression signed when signed.getExpression() instanceof LongValue
                        || signed.getExpression() instanceof DoubleValue -> {
                    double magnitude = ((NumberValue) value(signed.getExpression(), defaultTables)).value();
                    return new NumberValue(signed.getSign() == '-' ? -magnitude : magnitude);
                }
                case Column column when column.getTable() == null && column.getColumnName().startsWith("\"") -> {
                    // JSqlParser reads "text" as a quoted identifier; process_sql reads it as a string.
                    return new StringValue(lower(column.getColumnName()));
                }
                case Column column -> {
                    return new ColumnValue(colUnit(column, defaultTables));
                }
                case ParenthesedExpressionList<?> list when list.size() == 1 && !(list.get(0) instanceof Column) -> {
                    return value(list.get(0), defaultTables);
                }
                default -> {
                    if (isArithmetic(expression)
                            && ((BinaryExpression) expression).getLeftExpression() instanceof Column column) {
                        // parse_value reads the first column unit and skips the rest of the expression.
                        return new ColumnValue(colUnit(column, defaultTables));
                    }
                    throw new SpiderParseException("unsupported value: " + expression);
                }
            }
        }

        /**
         * parse_order_by: one direction for the clause, the last ASC/DESC written (default asc). A key written
         * as a comparison ({@code ORDER BY count(*) >= 5}) ends process_sql's reading after its left side; at
         * the end of the statement the rest is ignored, elsewhere it is an error.
         */
        private OrderByRead orderBy(List<OrderByElement> elements, List<String> defaultTables, boolean endsStatement)
                throws SpiderParseException {
            String direction = "asc";
            List<ValUnit> keys = new ArrayList<>();
            for (OrderByElement element : elements) {
                if (element.getNullOrdering() != null) {
                    throw new SpiderParseException("NULLS FIRST/LAST is not supported");
                }
                if (element.getExpression() instanceof ComparisonOperator comparison && endsStatement) {
                    keys.add(valUnit(comparison.getLeftExpression(), defaultTables));
                    return new OrderByRead(new OrderBy(direction, keys), true);
                }
                keys.add(valUnit(element.getExpression(), defaultTables));
                if (element.isAscDescPresent()) {
                    direction = element.isAsc() ? "asc" : "desc";
                }
            }
            return new OrderByRead(new OrderBy(direction, keys), false);
        }
    }

    /** An ORDER BY as process_sql read it, and whether it stopped reading the statement there. */
    private record OrderByRead(OrderBy orderBy, boolean stoppedEarly) {}

    /** The expression inside {@code ( ... )} holding one expression (JSqlParser 5 has two node types for it), or null. */
    private static Expression parenthesised(Expression expression) {
        if (expression instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
            return list.get(0);
        }
        return null;
    }

    private static boolean isQuoted(String name) {
        return name.startsWith("\"") || name.startsWith("`") || name.startsWith("[");
    }

    /** Collects condition units and the conjunctions between them. */
    private static final class ConditionBuilder {
        final List<CondUnit> units = new ArrayList<>();
        final List<Conjunction> conjunctions = new ArrayList<>();

        boolean isEmpty() {
            return units.isEmpty();
        }

        Condition build() {
            return new Condition(units, conjunctions);
        }
    }
}
