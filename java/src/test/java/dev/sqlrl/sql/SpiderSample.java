package dev.sqlrl.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.TestPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The read-only Spider slice in the shared fixtures; tests skip when it is absent. */
final class SpiderSample {

    /** One line of official_labels.jsonl. */
    record Label(int line, String dbId, String gold, String predicted, String variant, boolean officialEx, String error) {}

    private SpiderSample() {}

    static Path root() {
        Path root = TestPaths.spiderSample();
        TestPaths.requireFixture(Files.isRegularFile(root.resolve("official_labels.jsonl")),
                "official_labels.jsonl not found in " + root);
        return root;
    }

    static Path database(String dbId) {
        return root().resolve("database").resolve(dbId).resolve(dbId + ".sqlite");
    }

    static List<Label> labels() {
        ObjectMapper mapper = new ObjectMapper();
        try {
            List<String> lines = Files.readAllLines(root().resolve("official_labels.jsonl"));
            java.util.ArrayList<Label> labels = new java.util.ArrayList<>(lines.size());
            for (int i = 0; i < lines.size(); i++) {
                JsonNode node = mapper.readTree(lines.get(i));
                labels.add(new Label(i + 1, node.get("db_id").asText(), node.get("gold").asText(), node.get("pred").asText(),
                        node.get("variant").asText(), node.get("official_ex").asInt() == 1,
                        node.get("error").isNull() ? null : node.get("error").asText()));
            }
            return labels;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
