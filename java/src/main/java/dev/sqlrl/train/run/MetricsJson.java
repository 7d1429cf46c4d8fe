package dev.sqlrl.train.run;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The one serializer of metrics.jsonl lines: a {@link MetricsRecord} becomes the JSON object {@link MetricsLog} writes,
 * "step" and "stage" first, then every component in declaration order under its {@link Metric} name. Values keep
 * their Java type, so an int or long is a JSON integer and a double a JSON number with a fraction (NaN becomes null
 * when the line is written); an empty Optional leaves its key out (e.g. "kl" without a reference model).
 * Reflection over the record components, rather than a hand-written put per field, is what keeps each name in one
 * place: the component's annotation.
 */
public final class MetricsJson {
    private MetricsJson() {}

    /** The line of {@code record}, followed by the metrics of {@code groups} (e.g. the memory figures of its step). */
    public static Map<String, Object> toMap(MetricsRecord record, Record... groups) {
        if (!(record instanceof Record fields)) {
            throw new IllegalArgumentException(record.getClass().getName() + " is not a record");
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put(MetricKeys.STEP, record.step());
        line.put(MetricKeys.STAGE, record.stage());
        putComponents(fields, line);
        for (Record group : groups) {
            putComponents(group, line);
        }
        return line;
    }

    private static void putComponents(Record record, Map<String, Object> line) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            if (record instanceof MetricsRecord && component.getName().equals("step")) {
                continue;
            }
            Object value = valueOf(record, component);
            Metric metric = component.getAnnotation(Metric.class);
            if (metric != null) {
                put(metric.value(), value, line, record, component);
            } else if (value instanceof Record group) {
                putComponents(group, line);
            } else {
                throw new IllegalStateException(where(record, component) + " has no @Metric name and is not a record of metrics");
            }
        }
    }

    private static void put(String key, Object value, Map<String, Object> line, Record record, RecordComponent component) {
        if (line.containsKey(key)) {
            throw new IllegalStateException(where(record, component) + ": metric \"" + key + "\" is written twice");
        }
        switch (value) {
            case Number number -> line.put(key, number);
            case Boolean flag -> line.put(key, flag);
            case String text -> line.put(key, text);
            case OptionalDouble optional -> optional.ifPresent(v -> line.put(key, v));
            case OptionalLong optional -> optional.ifPresent(v -> line.put(key, v));
            case OptionalInt optional -> optional.ifPresent(v -> line.put(key, v));
            case Map<?, ?> byName -> byName.forEach((name, v) -> put(key + name, v, line, record, component));
            case null, default -> throw new IllegalStateException(where(record, component) + " holds "
                    + (value == null ? "null" : value.getClass().getName()) + ", which is no metric value");
        }
    }

    private static Object valueOf(Record record, RecordComponent component) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + where(record, component) + ": " + e, e);
        }
    }

    private static String where(Record record, RecordComponent component) {
        return record.getClass().getSimpleName() + "." + component.getName();
    }
}
