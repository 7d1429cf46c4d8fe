package dev.sqlrl.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents one configuration key (a record component) and bounds its numeric value. The
 * description feeds configs/README.md; the bounds are checked when a config is loaded, so the
 * reference and the validation cannot disagree.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Key {
    /** One sentence for the key reference. */
    String value();

    double min() default Double.NEGATIVE_INFINITY;

    double max() default Double.POSITIVE_INFINITY;

    /** Whether {@link #min()} itself is excluded (e.g. a learning rate must be > 0). */
    boolean minExclusive() default false;

    /** Whether {@link #max()} itself is excluded (e.g. eps_low must be < 1). */
    boolean maxExclusive() default false;
}
