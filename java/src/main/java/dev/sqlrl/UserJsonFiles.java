package dev.sqlrl;

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
        } catch (IOException e) {
            throw new UserInputException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
