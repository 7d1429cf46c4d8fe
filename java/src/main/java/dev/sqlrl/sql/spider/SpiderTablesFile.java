package dev.sqlrl.sql.spider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Spider's {@code tables.json} (a JSON array with one entry per database) into {@link SpiderSchema}s.
 * Errors name the file, the record (0-based) and the line where that record starts.
 */
public final class SpiderTablesFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SpiderTablesFile() {}

    /** The schemas of a tables.json, by db_id. */
    public static Map<String, SpiderSchema> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file + ": tables file not found");
        }
        Map<String, SpiderSchema> schemas = new LinkedHashMap<>();
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new UserInputException(file + ": line " + parser.currentTokenLocation().getLineNr()
                        + ": expected a JSON array of database entries");
            }
            int record = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() == null) {
                    throw new UserInputException(file + ": unexpected end of file inside the array");
                }
                int line = parser.currentTokenLocation().getLineNr();
                JsonNode entry = parser.readValueAsTree();
                String where = file + ": record " + record + " (line " + line + ")";
                SpiderSchema schema = parseEntry(entry, where);
                schemas.put(schema.dbId(), schema);
                record++;
            }
        } catch (JsonProcessingException e) {
            throw new UserInputException(file + ": line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read: " + e.getMessage(), e);
        }
        return schemas;
    }

    /** One tables.json entry; {@code where} names it in error messages. */
    static SpiderSchema parseEntry(JsonNode entry, String where) {
        if (!entry.isObject()) {
            throw new UserInputException(where + ": expected an object");
        }
        String dbId = text(entry, "db_id", where);
        where = where + " db_id '" + dbId + "'";
        List<String> tables = new ArrayList<>();
        for (JsonNode table : array(entry, "table_names_original", where)) {
            if (!table.isTextual()) {
                throw new UserInputException(where + ": table_names_original must hold strings");
            }
            tables.add(table.asText());
        }
        List<Map.Entry<Integer, String>> columns = new ArrayList<>();
        for (JsonNode column : array(entry, "column_names_original", where)) {
            if (!column.isArray() || column.size() != 2 || !column.get(0).isInt() || !column.get(1).isTextual()) {
                throw new UserInputException(where + ": column_names_original entries must be [table index, name], got "
                        + column);
            }
            int tableIndex = column.get(0).asInt();
            if (tableIndex < -1 || tableIndex >= tables.size()) {
                throw new UserInputException(where + ": column_names_original entry " + column
                        + " names table index " + tableIndex + " of " + tables.size());
            }
            columns.add(new AbstractMap.SimpleImmutableEntry<>(tableIndex, column.get(1).asText()));
        }
        List<int[]> foreignKeys = new ArrayList<>();
        for (JsonNode pair : array(entry, "foreign_keys", where)) {
            if (!pair.isArray() || pair.size() != 2 || !validColumnIndex(pair.get(0), columns.size())
                    || !validColumnIndex(pair.get(1), columns.size())) {
                throw new UserInputException(where + ": foreign_keys entries must be two column indexes below "
                        + columns.size() + ", got " + pair);
            }
            foreignKeys.add(new int[] {pair.get(0).asInt(), pair.get(1).asInt()});
        }
        return new SpiderSchema(dbId, tables, columns, foreignKeys);
    }

    private static boolean validColumnIndex(JsonNode node, int columnCount) {
        return node.isInt() && node.asInt() >= 0 && node.asInt() < columnCount;
    }

    private static String text(JsonNode entry, String key, String where) {
        JsonNode node = entry.get(key);
        if (node == null || !node.isTextual()) {
            throw new UserInputException(where + ": key '" + key + "' is missing or not a string");
        }
        return node.asText();
    }

    private static JsonNode array(JsonNode entry, String key, String where) {
        JsonNode node = entry.get(key);
        if (node == null || !node.isArray()) {
            throw new UserInputException(where + ": key '" + key + "' is missing or not an array");
        }
        return node;
    }
}
