package dev.sqlrl;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading a JSON file the user gave (a model's config.json, an adapter's, an input file): failures are user errors naming it. */
public final class UserJsonFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UserJsonFiles() {}

    /** The parsed file; "missing file: FILE" when it is not there, "FILE is not valid JSON: ..." when it does not parse. */
    public static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) throw new UserInputException("missing file: " + file);
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // getOriginalMessage: without Jackson's "Source: REDACTED ..." location suffix; the location is given here
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? file.toString() : file + ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new UserInputException(where + ": not valid JSON: " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The first non-blank line of a parser's message (YAML and JSON parsers add multi-line context). */
    public static String firstLine(String message) {
        if (message == null) return "";
        return message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
    }
}
