package dev.sqlrl.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.UserInputException;
import java.nio.file.Path;

/**
 * One JSON object read from a file, with where it starts, so that every complaint about its
 * content names the file, the line and the record number.
 *
 * @param node   the object
 * @param file   the file it came from
 * @param index  0-based position of the record in the file
 * @param line   1-based line where the record starts
 */
public record JsonRecord(JsonNode node, Path file, int index, int line) {

    /** A string field that must be present and non-blank. */
    public String requiredText(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw error("missing field '" + field + "'");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw error("field '" + field + "' must be a non-empty string, got " + value);
        }
        return value.asText();
    }

    /** A string field that may be absent, null or empty (returned as null then). */
    public String optionalText(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw error("field '" + field + "' must be a string, got " + value);
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }

    /** A field that must be a JSON array. */
    public JsonNode requiredArray(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw error("field '" + field + "' must be an array");
        }
        return value;
    }

    /** A user error that points at this record. */
    public UserInputException error(String message) {
        return new UserInputException(file + ":" + line + ": record " + (index + 1) + ": " + message);
    }
}
