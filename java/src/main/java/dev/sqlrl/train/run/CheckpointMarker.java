package dev.sqlrl.train.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * checkpoint.json, the file written last into a checkpoint: its presence says the checkpoint is
 * complete, and the SHA-256 of every other file lets a reader prove that the files on disk are the
 * ones that were written.
 * <pre>{"step": 123, "score": 0.41, "created": "2025-01-01T10:00:00Z", "files": {"adapter_model.safetensors": "9f86d0..."}}</pre>
 *
 * @param files relative path ('/'-separated) to lower-case hex SHA-256
 */
record CheckpointMarker(long step, OptionalDouble score, Instant created, Map<String, String> files) {
    static final String FILE_NAME = "checkpoint.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int BUFFER_BYTES = 1 << 20;

    byte[] toJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("step", step);
        if (score.isPresent()) {
            root.put("score", score.getAsDouble());
        } else {
            root.putNull("score");
        }
        root.put("created", created.toString());
        ObjectNode hashes = root.putObject("files");
        files.forEach(hashes::put);
        return JSON.writeValueAsBytes(root);
    }

    /** The marker of {@code checkpointDir}, or empty when it is missing or not a well-formed marker. */
    static Optional<CheckpointMarker> read(Path checkpointDir) {
        Path file = checkpointDir.resolve(FILE_NAME);
        try {
            JsonNode root = JSON.readTree(file.toFile());
            JsonNode step = root.get("step");
            JsonNode score = root.get("score");
            JsonNode created = root.get("created");
            JsonNode files = root.get("files");
            if (step == null || !step.canConvertToLong() || !step.isIntegralNumber() || created == null
                    || !created.isTextual() || files == null || !files.isObject() || files.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> hashes = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : files.properties()) {
                if (!entry.getValue().isTextual()) {
                    return Optional.empty();
                }
                hashes.put(entry.getKey(), entry.getValue().asText());
            }
            OptionalDouble scoreValue = score == null || score.isNull() ? OptionalDouble.empty()
                    : score.isNumber() ? OptionalDouble.of(score.asDouble()) : null;
            if (scoreValue == null) {
                return Optional.empty();
            }
            return Optional.of(new CheckpointMarker(step.asLong(), scoreValue, Instant.parse(created.asText()), hashes));
        } catch (IOException | RuntimeException e) {
            // missing, torn or hand-edited: not a marker this store can trust
            return Optional.empty();
        }
    }

    /** True when every listed file exists inside {@code checkpointDir} with the recorded hash. */
    boolean verifies(Path checkpointDir) {
        Path root = checkpointDir.toAbsolutePath().normalize();
        for (Map.Entry<String, String> entry : files.entrySet()) {
            Path file = root.resolve(entry.getKey()).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                return false;
            }
            try {
                if (!sha256(file).equals(entry.getValue())) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
