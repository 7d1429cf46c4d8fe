package dev.sqlrl.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents one configuration key (a record component): its description, its default, why it is set
 * so where that matters, and the bounds of a numeric value. The description, default and why feed
 * configs/README.md; the default feeds each section's defaults() ({@link KeyDefaults}); the bounds
 * are checked when a config is loaded. One declaration, so the reference, the defaults and the
 * validation cannot disagree.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Key {
    /** One sentence for the key reference. */
    String value();

    /**
     * The default, spelled as in a YAML file: a number, true or false, an enum's spelling, a string, a
     * path, a list as [a, b]. Every key that is not a section has one, unless it is {@link #required()}.
     */
    String defaultValue() default "";

    /** No default: the key must be given (the model's and the dataset's paths). */
    boolean required() default false;

    /** Why the default is what it is and what changing it does, where that is not obvious. */
    String why() default "";

    /** A section whose default is absent: it is there only when a file gives it (a stage that runs only then). */
    boolean absentByDefault() default false;

    /** A section whose defaults differ here from its own, as "key=value" (GRPO's optimizer vs SFT's). */
    String[] sectionDefaults() default {};

    double min() default Double.NEGATIVE_INFINITY;

    double max() default Double.POSITIVE_INFINITY;

    /** Whether {@link #min()} itself is excluded (e.g. a learning rate must be > 0). */
    boolean minExclusive() default false;

    /** Whether {@link #max()} itself is excluded (e.g. eps_low must be < 1). */
    boolean maxExclusive() default false;
}
