package dev.sqlrl.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a predictions JSONL file: each non-blank line is {"db_id", "gold", "pred"} or
 * {"db_id", "gold", "preds": [...]} (other keys, such as "question", are kept). Errors name the file and line.
 */
public final class PredictionsFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PredictionsFile() {}

    public static List<PredictionRecord> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file + ": predictions file not found");
        }
        List<PredictionRecord> records = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (!text.isBlank()) {
                    records.add(parseLine(text, file + ":" + line, line));
                }
            }
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (records.isEmpty()) {
            throw new UserInputException(file + ": no predictions in the file");
        }
        return records;
    }

    static PredictionRecord parseLine(String text, String where, int line) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UserInputException(where + ": malformed JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new UserInputException(where + ": expected a JSON object");
        }
        String dbId = requiredText(object, "db_id", where);
        String gold = requiredText(object, "gold", where);
        JsonNode pred = object.get("pred");
        JsonNode preds = object.get("preds");
        if ((pred == null) == (preds == null)) {
            throw new UserInputException(where + ": give exactly one of \"pred\" (a string) and \"preds\" (a list)");
        }
        if (pred != null) {
            if (!pred.isTextual()) {
                throw new UserInputException(where + ": \"pred\" must be a string");
            }
            return new PredictionRecord(line, dbId, gold, List.of(pred.asText()), false, object);
        }
        if (!preds.isArray() || preds.isEmpty()) {
            throw new UserInputException(where + ": \"preds\" must be a non-empty list of strings");
        }
        List<String> candidates = new ArrayList<>();
        for (JsonNode candidate : preds) {
            if (!candidate.isTextual()) {
                throw new UserInputException(where + ": \"preds\" must hold strings only, got " + candidate);
            }
            candidates.add(candidate.asText());
        }
        return new PredictionRecord(line, dbId, gold, candidates, true, object);
    }

    private static String requiredText(ObjectNode object, String key, String where) {
        JsonNode value = object.get(key);
        if (value == null || !value.isTextual()) {
            throw new UserInputException(where + ": key \"" + key + "\" is missing or not a string");
        }
        return value.asText();
    }
}
