package dev.sqlrl.data.link;

import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.data.SqlIdentifiers;
import dev.sqlrl.reward.SqlReferences;
import dev.sqlrl.sql.SqlParsing;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a gold query uses, to measure linking against: its schema tables and columns ({@code table.column}, lower
 * case; an unqualified column belongs to the first of the query's tables that has it), found by our SQL parser, and
 * its string literals that some text column stores as a whole value (case ignored), with that column.
 */
public record GoldReferences(Set<String> tables, Set<String> columns, List<StoredLiteral> literals) {
    private static final Pattern LITERAL = Pattern.compile("'((?:[^']|'')*)'|\"((?:[^\"]|\"\")*)\"");

    /** A gold literal and a column that stores it. */
    public record StoredLiteral(String table, String column, String value) {}

    /** Empty sets when the gold query does not parse. */
    public static GoldReferences of(String goldSql, DatabaseSchema schema, Connection connection) {
        Set<String> tables = new LinkedHashSet<>();
        Set<String> columns = new LinkedHashSet<>();
        SqlParsing.parse(goldSql).ifPresent(statement -> {
            SqlReferences references = SqlReferences.of(statement);
            references.tables().stream().filter(t -> schema.table(t).isPresent()).forEach(t -> tables.add(lower(t)));
            for (SqlReferences.ColumnReference column : references.columns()) {
                resolve(column, references, schema).ifPresent(columns::add);
            }
        });
        return new GoldReferences(tables, columns, storedLiterals(goldSql, schema, connection));
    }

    private static Optional<String> resolve(SqlReferences.ColumnReference column, SqlReferences references, DatabaseSchema schema) {
        if (column.qualifier() != null) {
            String table = references.aliasToTable().getOrDefault(column.qualifier(), column.qualifier());
            return schema.table(table).flatMap(t -> t.column(column.column()).map(c -> lower(t.name() + "." + c.name())));
        }
        for (String table : references.tables()) {
            Optional<String> found = schema.table(table).flatMap(t -> t.column(column.column()).map(c -> lower(t.name() + "." + c.name())));
            if (found.isPresent()) return found;
        }
        return Optional.empty();
    }

    private static List<StoredLiteral> storedLiterals(String goldSql, DatabaseSchema schema, Connection connection) {
        List<StoredLiteral> out = new ArrayList<>();
        Matcher m = LITERAL.matcher(goldSql);
        while (m.find()) {
            String literal = m.group(1) != null ? m.group(1).replace("''", "'") : m.group(2).replace("\"\"", "\"");
            if (!literal.isBlank()) {
                storingColumn(connection, schema, literal).ifPresent(out::add);
            }
        }
        return out;
    }

    private static Optional<StoredLiteral> storingColumn(Connection connection, DatabaseSchema schema, String literal) {
        for (DatabaseSchema.Table table : schema.tables()) {
            for (DatabaseSchema.Column column : table.columns()) {
                String c = SqlIdentifiers.quote(column.name());
                String sql = "SELECT 1 FROM " + SqlIdentifiers.quote(table.name()) + " WHERE typeof(" + c + ") = 'text' AND "
                        + c + " = ? COLLATE NOCASE LIMIT 1";
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setString(1, literal);
                    try (ResultSet rows = statement.executeQuery()) {
                        if (rows.next()) return Optional.of(new StoredLiteral(lower(table.name()), lower(column.name()), literal));
                    }
                } catch (SQLException e) {
                    // tables.json can name a column the file lacks: that column stores nothing
                }
            }
        }
        return Optional.empty();
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
