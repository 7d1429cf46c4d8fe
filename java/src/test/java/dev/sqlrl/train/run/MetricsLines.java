package dev.sqlrl.train.run;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads a metrics.jsonl line (as {@link MetricsLog#read} returns it) back into the record {@link MetricsJson} wrote it
 * from, by the same {@link Metric} names: the other half of the serializer round trip. Test-only: the product reads
 * metrics files by key, so that older runs without newer keys still plot.
 */
public final class MetricsLines {
    private MetricsLines() {}

    public static <R extends Record> R decode(Class<R> type, Map<String, Object> line) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            types[i] = component.getType();
            Metric metric = component.getAnnotation(Metric.class);
            if (MetricsRecord.class.isAssignableFrom(type) && component.getName().equals("step")) {
                values[i] = ((Number) line.get(MetricKeys.STEP)).longValue();
            } else if (metric == null) {
                values[i] = decode(component.getType().asSubclass(Record.class), line);
            } else {
                values[i] = value(metric.value(), component, line);
            }
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getSimpleName() + ": " + e, e);
        }
    }

    private static Object value(String key, RecordComponent component, Map<String, Object> line) {
        Class<?> type = component.getType();
        Object value = line.get(key);
        boolean present = line.containsKey(key);
        if (type == OptionalDouble.class) {
            return present ? OptionalDouble.of(asDouble(value)) : OptionalDouble.empty();
        } else if (type == OptionalLong.class) {
            return present ? OptionalLong.of(((Number) value).longValue()) : OptionalLong.empty();
        } else if (type == OptionalInt.class) {
            return present ? OptionalInt.of(((Number) value).intValue()) : OptionalInt.empty();
        } else if (type == Map.class) {
            Class<?> valueType = (Class<?>) ((ParameterizedType) component.getGenericType()).getActualTypeArguments()[1];
            if (valueType != Double.class) {
                throw new IllegalArgumentException("only maps of doubles are read back, not of " + valueType);
            }
            Map<String, Double> byName = new LinkedHashMap<>();
            line.forEach((k, v) -> {
                if (k.startsWith(key)) byName.put(k.substring(key.length()), asDouble(v));
            });
            return byName;
        }
        if (!present) {
            throw new IllegalArgumentException("the line has no \"" + key + "\": " + line);
        }
        if (type == double.class) return asDouble(value);
        if (type == long.class) return ((Number) value).longValue();
        if (type == int.class) return ((Number) value).intValue();
        if (type == boolean.class || type == String.class) return value;
        throw new IllegalArgumentException(component + " has a type no metric has: " + type);
    }

    /** NaN is written as null. */
    private static double asDouble(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }
}
