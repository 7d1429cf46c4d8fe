package dev.sqlrl.config;

import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a section's defaults from the {@link Key#defaultValue()} of its components, so each default
 * is written once, beside its description. A mistake in a declaration (no default, a misspelled enum,
 * an unknown section override) is a programming error and fails at once.
 */
final class KeyDefaults {
    private KeyDefaults() {}

    /** The section with every key at its declared default. */
    static <R extends Record> R of(Class<R> type) {
        return of(type, new String[0]);
    }

    private static <R extends Record> R of(Class<R> type, String[] overrides) {
        Map<String, String> overridden = parseOverrides(type, overrides);
        List<RecordComponent> components = ConfigSchema.components(type);
        Object[] values = new Object[components.size()];
        for (int i = 0; i < values.length; i++) {
            RecordComponent component = components.get(i);
            Key key = component.getAnnotation(Key.class);
            String where = type.getSimpleName() + "." + component.getName();
            if (key == null) throw new IllegalStateException(where + " has no @Key");
            values[i] = valueOf(component, key, overridden.get(ConfigSchema.keyName(component)), where);
        }
        return type.cast(ConfigSchema.construct(type, values));
    }

    private static Object valueOf(RecordComponent component, Key key, String override, String where) {
        if (component.getType().isRecord()) {
            if (key.absentByDefault()) return null;
            @SuppressWarnings("unchecked")
            Class<? extends Record> section = (Class<? extends Record>) component.getType();
            return of(section, key.sectionDefaults());
        }
        String text = override != null ? override : key.defaultValue();
        if (key.required() && override == null) {
            if (!text.isEmpty()) throw new IllegalStateException(where + " is required and has a default");
            return null;
        }
        if (text.isEmpty()) throw new IllegalStateException(where + " has neither a defaultValue nor required = true");
        return parse(text, component.getGenericType(), where);
    }

    private static Object parse(String text, Type type, String where) {
        Class<?> raw = type instanceof Class<?> c ? c : List.class;
        try {
            if (raw == int.class) return Integer.parseInt(text);
            if (raw == long.class) return Long.parseLong(text);
            if (raw == double.class) return Double.parseDouble(text);
            if (raw == boolean.class && (text.equals("true") || text.equals("false"))) return Boolean.parseBoolean(text);
            if (raw == String.class) return text;
            if (raw == Path.class) return Path.of(text);
            if (raw.isEnum()) return enumConstant(raw, text, where);
            if (raw == List.class && text.startsWith("[") && text.endsWith("]")) {
                Class<?> element = ConfigSchema.listElementType(type);
                return Arrays.stream(text.substring(1, text.length() - 1).split(","))
                        .map(item -> parse(item.strip(), element, where)).toList();
            }
        } catch (NumberFormatException e) {
            throw new IllegalStateException(where + ": default '" + text + "' is not a " + ConfigSchema.typeName(type), e);
        }
        throw new IllegalStateException(where + ": default '" + text + "' is not a " + ConfigSchema.typeName(type));
    }

    private static Object enumConstant(Class<?> type, String spelling, String where) {
        for (Object constant : type.getEnumConstants()) {
            if (ConfigSchema.spelling((Enum<?>) constant).equals(spelling)) return constant;
        }
        throw new IllegalStateException(
                where + ": default '" + spelling + "' is none of " + ConfigSchema.spellings(type));
    }

    private static Map<String, String> parseOverrides(Class<?> type, String[] overrides) {
        Map<String, String> parsed = new HashMap<>();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            String name = eq < 0 ? override : override.substring(0, eq);
            if (eq < 0 || ConfigSchema.component(type, name) == null) {
                throw new IllegalStateException("section default '" + override + "' names no key of " + type.getSimpleName());
            }
            parsed.put(name, override.substring(eq + 1));
        }
        return parsed;
    }
}
