package dev.sqlrl.config;

import dev.sqlrl.model.LoraTarget;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The shape of the config tree as the records declare it: YAML key names, enum spellings, defaults,
 * types and ranges. The binder, the writer, --set and the key reference all read it from here, so
 * they agree by construction.
 */
final class ConfigSchema {
    private ConfigSchema() {}

    /**
     * everyNSteps -> every_n_steps. Jackson's SnakeCaseStrategy would give every_nsteps (it joins
     * consecutive capitals into one word), hence this one-line rule: every capital starts a word.
     */
    static String keyName(RecordComponent component) {
        return component.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    /** The YAML spelling of an enum constant: LoRA targets by their PEFT module names, others in lower case. */
    static String spelling(Enum<?> constant) {
        if (constant instanceof LoraTarget target) return target.moduleName;
        return constant.name().toLowerCase(Locale.ROOT);
    }

    static List<String> spellings(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants()).map(c -> spelling((Enum<?>) c)).toList();
    }

    static List<RecordComponent> components(Class<?> recordType) {
        return List.of(recordType.getRecordComponents());
    }

    static RecordComponent component(Class<?> recordType, String keyName) {
        for (RecordComponent c : recordType.getRecordComponents()) {
            if (keyName(c).equals(keyName)) return c;
        }
        return null;
    }

    static List<String> keyNames(Class<?> recordType) {
        return components(recordType).stream().map(ConfigSchema::keyName).toList();
    }

    /** A section's defaults, from its static defaults() factory (every section record has one). */
    static Object defaultsOf(Class<?> recordType) {
        try {
            return recordType.getMethod("defaults").invoke(null);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(recordType.getName() + " needs a public static defaults() factory", e);
        }
    }

    /** The record of {@code type} with these component values, in declaration order. */
    static Object construct(Class<?> type, Object[] values) {
        Class<?>[] parameterTypes = ConfigSchema.components(type).stream().map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            return type.getDeclaredConstructor(parameterTypes).newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    static Object valueOf(Object record, RecordComponent component) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    /** The default of a component given its section's defaults; an optional section that is absent uses its own. */
    static Object defaultOf(Object sectionDefaults, RecordComponent component) {
        Object value = valueOf(sectionDefaults, component);
        if (value == null && component.getType().isRecord()) return defaultsOf(component.getType());
        return value;
    }

    /** Sections whose default is absent: present in a file only when that stage should run. */
    static boolean isOptionalSection(Object sectionDefaults, RecordComponent component) {
        return component.getType().isRecord() && valueOf(sectionDefaults, component) == null;
    }

    static Class<?> listElementType(Type listType) {
        return (Class<?>) ((ParameterizedType) listType).getActualTypeArguments()[0];
    }

    static String typeName(Type type) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == int.class || raw == long.class) return "integer";
        if (raw == double.class) return "number";
        if (raw == boolean.class) return "boolean";
        if (raw == String.class) return "string";
        if (raw == Path.class) return "path";
        if (raw.isEnum()) return "enum";
        if (raw == List.class) return "list of " + typeName(listElementType(type));
        if (raw.isRecord()) return "section";
        throw new IllegalStateException("no config type for " + type);
    }

    /** Allowed values of a key, in words: the enum's spellings or the numeric range; empty when anything goes. */
    static String allowed(RecordComponent component) {
        Type type = component.getGenericType();
        Class<?> raw = component.getType();
        if (raw.isEnum()) return String.join(", ", spellings(raw));
        if (raw == List.class && listElementType(type).isEnum()) {
            return "non-empty subset of " + String.join(", ", spellings(listElementType(type)));
        }
        Key key = component.getAnnotation(Key.class);
        return key == null ? "" : range(key);
    }

    static String range(Key key) {
        boolean hasMin = key.min() != Double.NEGATIVE_INFINITY;
        boolean hasMax = key.max() != Double.POSITIVE_INFINITY;
        if (hasMin && hasMax) {
            return (key.minExclusive() ? "(" : "[") + number(key.min()) + ", " + number(key.max())
                    + (key.maxExclusive() ? ")" : "]");
        }
        if (hasMin) return (key.minExclusive() ? "> " : ">= ") + number(key.min());
        if (hasMax) return (key.maxExclusive() ? "< " : "<= ") + number(key.max());
        return "";
    }

    static boolean inRange(Key key, double value) {
        boolean aboveMin = key.minExclusive() ? value > key.min() : value >= key.min();
        boolean belowMax = key.maxExclusive() ? value < key.max() : value <= key.max();
        return aboveMin && belowMax;
    }

    /** Integers without a trailing ".0"; other numbers as Java writes them (shortest text that reads back equal). */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
        return Double.toString(value);
    }

    static String describe(Object value) {
        if (value == null) return "";
        if (value instanceof Enum<?> e) return spelling(e);
        if (value instanceof Double d) return number(d);
        if (value instanceof List<?> list) {
            return list.stream().map(ConfigSchema::describe).collect(Collectors.joining(", ", "[", "]"));
        }
        return value.toString();
    }
}
