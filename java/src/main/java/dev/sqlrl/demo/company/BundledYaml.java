package dev.sqlrl.demo.company;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the demo's bundled YAML resources. They ship inside the jar, so a problem in one is a
 * build defect, not user input: errors are IllegalStateExceptions that name the resource and key.
 */
final class BundledYaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private BundledYaml() {}

    static JsonNode read(String resource) {
        try (InputStream in = BundledYaml.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled resource " + resource + " is missing from the classpath");
            }
            JsonNode root = YAML.readTree(in);
            if (root == null || !root.isObject()) {
                throw new IllegalStateException(resource + ": expected a mapping at the top level");
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(resource + ": cannot read: " + e.getMessage(), e);
        }
    }

    static String text(JsonNode parent, String key, String resource, String where) {
        JsonNode value = parent.get(key);
        if (value == null || !value.isValueNode() || value.asText().isBlank()) {
            throw new IllegalStateException(resource + ": " + where + " needs a non-empty '" + key + "'");
        }
        return value.asText().strip();
    }

    static List<String> textList(JsonNode parent, String key, String resource) {
        JsonNode value = parent.get(key);
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw new IllegalStateException(resource + ": '" + key + "' must be a non-empty list");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isValueNode() || item.asText().isBlank()) {
                throw new IllegalStateException(resource + ": '" + key + "' item " + items.size() + " must be a non-empty word");
            }
            items.add(item.asText().strip());
        }
        return List.copyOf(items);
    }
}
