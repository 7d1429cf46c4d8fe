package dev.sqlrl.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.UserInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the record files of text-to-SQL datasets: a JSON array of objects (Spider, BIRD,
 * tables.json) or JSON Lines. Syntax errors and non-object records are reported with the file
 * and line (Jackson's parser locations), never as a bare stack trace.
 */
public final class JsonRecordReader {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonRecordReader() {}

    /** The objects of a file whose top level is a JSON array of objects. */
    public static List<JsonRecord> readArray(Path file) {
        List<JsonRecord> records = new ArrayList<>();
        try (JsonParser parser = MAPPER.createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw at(file, parser.currentTokenLocation(), "expected a JSON array of objects at the top level");
            }
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw at(file, parser.currentLocation(), "unexpected end of file inside the top-level array");
                }
                JsonLocation start = parser.currentTokenLocation();
                if (token != JsonToken.START_OBJECT) {
                    throw at(file, start, "record " + (records.size() + 1) + ": expected a JSON object, got " + token);
                }
                JsonNode node = MAPPER.readTree(parser);
                records.add(new JsonRecord(node, file, records.size(), start.getLineNr()));
            }
            if (parser.nextToken() != null) {
                throw at(file, parser.currentTokenLocation(), "unexpected content after the top-level array");
            }
        } catch (JsonProcessingException e) {
            throw at(file, e.getLocation(), "malformed JSON: " + e.getOriginalMessage());
        } catch (NoSuchFileException e) {
            throw new UserInputException(file + ": file not found");
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read: " + e.getMessage(), e);
        }
        return records;
    }

    /** The objects of a JSON Lines file: one object a line; blank lines are skipped. */
    public static List<JsonRecord> readLines(Path file) {
        List<JsonRecord> records = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int lineNumber = 0;
            while ((text = reader.readLine()) != null) {
                lineNumber++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = MAPPER.readTree(text);
                } catch (JsonProcessingException e) {
                    JsonLocation location = e.getLocation();
                    String column = location == null ? "" : " column " + location.getColumnNr() + ":";
                    throw new UserInputException(file + ":" + lineNumber + ":" + column + " record "
                            + (records.size() + 1) + ": malformed JSON: " + e.getOriginalMessage());
                }
                if (!node.isObject()) {
                    throw new UserInputException(file + ":" + lineNumber + ": record " + (records.size() + 1)
                            + ": expected a JSON object, got " + node.getNodeType());
                }
                records.add(new JsonRecord(node, file, records.size(), lineNumber));
            }
        } catch (NoSuchFileException e) {
            throw new UserInputException(file + ": file not found");
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read: " + e.getMessage(), e);
        }
        return records;
    }

    private static UserInputException at(Path file, JsonLocation location, String message) {
        if (location == null) {
            return new UserInputException(file + ": " + message);
        }
        return new UserInputException(file + ":" + location.getLineNr() + ": column " + location.getColumnNr()
                + ": " + message);
    }
}
