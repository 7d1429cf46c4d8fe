package dev.sqlrl.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Binds a parsed YAML tree to the config records, filling defaults for missing keys and collecting
 * every error ("path: message") instead of stopping at the first. Hand-written rather than
 * Jackson's record binding because that stops at the first problem and knows nothing of ranges.
 */
final class ConfigBinder {
    private final Path baseDir;
    private final List<String> errors = new ArrayList<>();

    /** @param baseDir folder that relative paths in the tree are resolved against */
    ConfigBinder(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    List<String> errors() {
        return errors;
    }

    /** The record bound from {@code node} over {@code defaults}; null when errors were recorded. */
    <R extends Record> R bind(JsonNode node, Class<R> type, R defaults) {
        return type.cast(bindSection(node, type, defaults, ""));
    }

    private Object bindSection(JsonNode node, Class<?> type, Object defaults, String path) {
        if (!node.isObject()) {
            error(path.isEmpty() ? "(top level)" : path, "expected a mapping of keys, got " + show(node));
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (ConfigSchema.component(type, key) == null) unknownKey(type, path, key);
        }
        List<RecordComponent> components = ConfigSchema.components(type);
        Object[] values = new Object[components.size()];
        boolean complete = true;
        for (int i = 0; i < values.length; i++) {
            RecordComponent component = components.get(i);
            String childPath = join(path, ConfigSchema.keyName(component));
            JsonNode child = node.get(ConfigSchema.keyName(component));
            Object fallback = ConfigSchema.valueOf(defaults, component);
            if (child != null && (child.isNull() || child.isTextual() && child.asText().isEmpty())) {
                // `grpo:` with nothing after it (read as null or "") is more likely a forgotten value than a wish for defaults.
                String hint = component.getType().isRecord() ? "write {} for all defaults, or leave the key out"
                        : "give a value, or leave the key out for the default";
                error(childPath, "no value; " + hint);
                complete = false;
                continue;
            }
            if (child == null && component.getType().isRecord() && fallback != null) {
                // A missing section is bound as an empty one, so that its required keys are reported.
                child = JsonNodeFactory.instance.objectNode();
            }
            if (child == null) {
                // Defaults come from no file, so their relative paths are relative to the working directory.
                values[i] = fallback instanceof Path p ? p.toAbsolutePath().normalize() : fallback;
                if (fallback == null && !component.getType().isRecord()) {
                    error(childPath, "required (" + component.getAnnotation(Key.class).value() + ")");
                    complete = false;
                }
                continue;
            }
            if (component.getType().isRecord() && fallback == null) fallback = ConfigSchema.defaultsOf(component.getType());
            int errorsBefore = errors.size();
            values[i] = bindValue(child, component, component.getGenericType(), fallback, childPath);
            complete &= errors.size() == errorsBefore;
        }
        return complete ? ConfigSchema.construct(type, values) : null;
    }

    private Object bindValue(JsonNode node, RecordComponent component, Type type, Object fallback, String path) {
        Class<?> raw = type instanceof Class<?> c ? c : List.class;
        if (raw.isRecord()) return bindSection(node, raw, fallback, path);
        if (raw == List.class) return bindList(node, component, type, path);
        if (raw.isEnum()) return bindEnum(node, raw, path);
        if (raw == String.class || raw == Path.class) {
            if (!node.isValueNode() || node.asText().isBlank()) {
                error(path, "expected a non-empty " + ConfigSchema.typeName(raw) + ", got " + show(node));
                return null;
            }
            return raw == String.class ? node.asText() : baseDir.resolve(node.asText()).normalize();
        }
        if (raw == boolean.class) {
            if (node.isBoolean()) return node.booleanValue();
            error(path, "expected true or false, got " + show(node));
            return null;
        }
        return bindNumber(node, component.getAnnotation(Key.class), raw, path);
    }

    private Object bindNumber(JsonNode node, Key key, Class<?> type, String path) {
        Double value = numberOf(node);
        if (value == null || (type != double.class && !node.isIntegralNumber())) {
            error(path, "expected " + (type == double.class ? "a number" : "an integer") + ", got " + show(node));
            return null;
        }
        if (type == int.class && !node.canConvertToInt() || type == long.class && !node.canConvertToLong()) {
            error(path, node.asText() + " is too large; allowed: " + ConfigSchema.range(key));
            return null;
        }
        if (!ConfigSchema.inRange(key, value)) {
            error(path, node.asText() + " is out of range; allowed: " + ConfigSchema.range(key));
            return null;
        }
        if (type == int.class) return node.intValue();
        if (type == long.class) return node.longValue();
        return value;
    }

    /** YAML 1.1 reads "1e-5" (no dot) as text; such numbers are accepted as the researcher meant them. */
    private static Double numberOf(JsonNode node) {
        if (node.isNumber()) return node.doubleValue();
        if (!node.isTextual()) return null;
        try {
            double parsed = Double.parseDouble(node.asText().strip());
            return Double.isFinite(parsed) ? parsed : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Object bindEnum(JsonNode node, Class<?> type, String path) {
        if (node.isValueNode()) {
            for (Object constant : type.getEnumConstants()) {
                if (ConfigSchema.spelling((Enum<?>) constant).equals(node.asText())) return constant;
            }
        }
        error(path, "unknown value " + show(node) + "; allowed: " + String.join(", ", ConfigSchema.spellings(type)));
        return null;
    }

    private List<Object> bindList(JsonNode node, RecordComponent component, Type type, String path) {
        Class<?> elementType = ConfigSchema.listElementType(type);
        if (!node.isArray() || node.isEmpty()) {
            error(path, "expected a non-empty list, got " + show(node) + "; allowed: " + ConfigSchema.allowed(component));
            return null;
        }
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            Object value = bindValue(node.get(i), component, elementType, null, path + "[" + i + "]");
            if (value != null && values.contains(value)) error(path + "[" + i + "]", show(node.get(i)) + " is listed twice");
            values.add(value);
        }
        return values;
    }

    private void unknownKey(Class<?> type, String path, String key) {
        String message = "unknown key";
        var suggestion = KeySuggestions.closest(key, ConfigSchema.keyNames(type));
        if (suggestion.isPresent()) message += "; did you mean " + join(path, suggestion.get()) + "?";
        else message += "; known keys here: " + String.join(", ", ConfigSchema.keyNames(type));
        error(join(path, key), message);
    }

    private void error(String path, String message) {
        errors.add(path + ": " + message);
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String show(JsonNode node) {
        if (node.isObject()) return "a mapping";
        if (node.isArray()) return "a list";
        return node.isTextual() ? "'" + node.asText() + "'" : node.asText();
    }
}
