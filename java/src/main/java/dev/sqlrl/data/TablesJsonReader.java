package dev.sqlrl.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Spider/BIRD {@code tables.json}: per database, table names, columns as
 * [table index, name] pairs, column types, primary keys (column indices, or lists of them for
 * composite keys) and foreign keys ([from column, to column] index pairs). The original
 * (SQL-usable) names are used.
 */
public final class TablesJsonReader {
    private TablesJsonReader() {}

    /** All schemas of the file, by db id. */
    public static Map<String, DatabaseSchema> read(Path tablesJson) {
        Map<String, DatabaseSchema> schemas = new LinkedHashMap<>();
        for (JsonRecord record : JsonRecordReader.readArray(tablesJson)) {
            DatabaseSchema schema = parse(record);
            if (schemas.put(schema.dbId(), schema) != null) {
                throw record.error("database '" + schema.dbId() + "' appears twice");
            }
        }
        return schemas;
    }

    private static DatabaseSchema parse(JsonRecord record) {
        String dbId = record.requiredText("db_id");
        JsonNode tableNames = record.requiredArray("table_names_original");
        JsonNode columnNames = record.requiredArray("column_names_original");
        JsonNode columnTypes = record.requiredArray("column_types");
        if (columnTypes.size() != columnNames.size()) {
            throw record.error("db '" + dbId + "': column_types has " + columnTypes.size()
                    + " entries but column_names_original has " + columnNames.size());
        }
        int tableCount = tableNames.size();
        List<List<DatabaseSchema.Column>> columnsByTable = new ArrayList<>();
        List<List<String>> keysByTable = new ArrayList<>();
        for (int t = 0; t < tableCount; t++) {
            columnsByTable.add(new ArrayList<>());
            keysByTable.add(new ArrayList<>());
        }
        // Column 0 is Spider's [-1, "*"]; every other column names its table by index.
        int[] tableOfColumn = new int[columnNames.size()];
        String[] nameOfColumn = new String[columnNames.size()];
        for (int c = 0; c < columnNames.size(); c++) {
            JsonNode pair = columnNames.get(c);
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isInt() || !pair.get(1).isTextual()) {
                throw record.error("db '" + dbId + "': column_names_original[" + c + "] must be [table index, name]");
            }
            int table = pair.get(0).asInt();
            tableOfColumn[c] = table;
            nameOfColumn[c] = pair.get(1).asText();
            if (table == -1) {
                continue;
            }
            if (table < 0 || table >= tableCount) {
                throw record.error("db '" + dbId + "': column_names_original[" + c + "] refers to table " + table
                        + " but there are " + tableCount + " tables");
            }
            columnsByTable.get(table).add(new DatabaseSchema.Column(nameOfColumn[c], columnTypes.get(c).asText()));
        }
        for (JsonNode key : record.requiredArray("primary_keys")) {
            // Newer Spider releases write composite keys as a nested list.
            List<JsonNode> parts = new ArrayList<>();
            if (key.isArray()) {
                key.forEach(parts::add);
            } else {
                parts.add(key);
            }
            for (JsonNode part : parts) {
                int c = columnIndex(record, dbId, "primary_keys", part, columnNames.size());
                keysByTable.get(tableOfColumn[c]).add(nameOfColumn[c]);
            }
        }
        List<DatabaseSchema.ForeignKey> foreignKeys = new ArrayList<>();
        for (JsonNode pair : record.requiredArray("foreign_keys")) {
            if (!pair.isArray() || pair.size() != 2) {
                throw record.error("db '" + dbId + "': foreign_keys entries must be [from column, to column]");
            }
            int from = columnIndex(record, dbId, "foreign_keys", pair.get(0), columnNames.size());
            int to = columnIndex(record, dbId, "foreign_keys", pair.get(1), columnNames.size());
            foreignKeys.add(new DatabaseSchema.ForeignKey(tableNames.get(tableOfColumn[from]).asText(), nameOfColumn[from],
                    tableNames.get(tableOfColumn[to]).asText(), nameOfColumn[to]));
        }
        List<DatabaseSchema.Table> tables = new ArrayList<>();
        for (int t = 0; t < tableCount; t++) {
            tables.add(new DatabaseSchema.Table(tableNames.get(t).asText(), columnsByTable.get(t), keysByTable.get(t)));
        }
        return new DatabaseSchema(dbId, tables, foreignKeys);
    }

    private static int columnIndex(JsonRecord record, String dbId, String field, JsonNode value, int columnCount) {
        if (!value.isInt() || value.asInt() <= 0 || value.asInt() >= columnCount) {
            throw record.error("db '" + dbId + "': " + field + " holds " + value + ", not a column index in 1.."
                    + (columnCount - 1));
        }
        return value.asInt();
    }
}
