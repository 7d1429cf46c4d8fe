package dev.sqlrl.train.run;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The metrics.jsonl key of a metrics record's component, one of {@link MetricKeys}: the one place a field is bound
 * to its name, which {@link MetricsJson} writes it under. On a {@code Map} component the name is a prefix, and each
 * entry is written as prefix + entry key (e.g. {@code reward/} + {@code execution}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Metric {
    String value();
}
