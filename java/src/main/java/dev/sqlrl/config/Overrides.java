package dev.sqlrl.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line overrides {@code KEY.PATH=VALUE} (from {@code --set}) applied to a parsed config tree
 * before binding. VALUE is read as a YAML scalar or flow collection ({@code 0.02}, {@code dapo},
 * {@code [q_proj, v_proj]}), so it is validated exactly like a value in the file. Setting a key of an
 * absent optional section (sft, grpo) adds that section with its defaults.
 */
final class Overrides {
    private final ObjectMapper yaml;
    private final Path workingDir;
    private final List<String> errors = new ArrayList<>();

    /** @param workingDir what relative paths given on the command line are relative to */
    Overrides(ObjectMapper yaml, Path workingDir) {
        this.yaml = yaml;
        this.workingDir = workingDir.toAbsolutePath().normalize();
    }

    List<String> errors() {
        return errors;
    }

    void apply(ObjectNode root, List<String> overrides) {
        for (String override : overrides) apply(root, override);
    }

    private void apply(ObjectNode root, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            errors.add("--set " + override + ": expected KEY=VALUE, e.g. grpo.beta=0.02");
            return;
        }
        String keyPath = override.substring(0, eq).strip();
        RecordComponent target = resolve(keyPath, override);
        if (target == null) return;
        JsonNode value;
        try {
            value = yaml.readTree(override.substring(eq + 1));
        } catch (JacksonException e) {
            errors.add("--set " + override + ": value is not valid YAML (" + e.getOriginalMessage() + ")");
            return;
        }
        if (value == null || value.isMissingNode()) value = TextNode.valueOf("");
        if (target.getType() == Path.class && value.isTextual() && !value.asText().isBlank()) {
            value = TextNode.valueOf(workingDir.resolve(value.asText()).normalize().toString());
        }
        put(root, keyPath.split("\\."), value);
    }

    /** The record component a dotted key path names, or null after recording why there is none. */
    private RecordComponent resolve(String keyPath, String override) {
        Class<?> section = RunConfig.class;
        RecordComponent component = null;
        String walked = "";
        for (String key : keyPath.split("\\.", -1)) {
            if (section == null) {
                errors.add("--set " + override + ": " + walked + " is a single value, it has no key " + key);
                return null;
            }
            component = ConfigSchema.component(section, key);
            if (component == null) {
                String message = "--set " + override + ": unknown key " + ConfigBinder.join(walked, key);
                var suggestion = KeySuggestions.closest(key, ConfigSchema.keyNames(section));
                if (suggestion.isPresent()) message += "; did you mean " + ConfigBinder.join(walked, suggestion.get()) + "?";
                errors.add(message);
                return null;
            }
            walked = ConfigBinder.join(walked, key);
            section = component.getType().isRecord() ? component.getType() : null;
        }
        return component;
    }

    private static void put(ObjectNode root, String[] keys, JsonNode value) {
        ObjectNode node = root;
        for (int i = 0; i < keys.length - 1; i++) {
            JsonNode child = node.get(keys[i]);
            // A non-mapping here is replaced: the override says what this section is now.
            node = child instanceof ObjectNode object ? object : node.putObject(keys[i]);
        }
        node.set(keys[keys.length - 1], value);
    }
}
