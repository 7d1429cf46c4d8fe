package dev.sqlrl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaults are declared once, in each key's {@link Key}; these tests hold every declaration to that. */
class KeyDefaultsTest {
    @Test
    void everyKeyHasADefaultOrIsRequiredAndTheReferenceShowsIt() {
        String markdown = ConfigReference.markdown();
        checkSection(markdown, "", RunConfig.class, defaultsWithStages());
    }

    @Test
    void everyDefaultIsWithinItsKeysRange() {
        checkRanges(RunConfig.class, defaultsWithStages());
    }

    @Test
    void sectionDefaultsOverrideOnlyTheNamedKeys() {
        OptimizerSection sft = SftSection.defaults().optimizer();
        OptimizerSection grpo = GrpoSection.defaults().optimizer();
        assertEquals(2e-4, sft.lr());
        assertEquals(OptimizerSection.Schedule.COSINE, sft.schedule());
        assertEquals(1e-5, grpo.lr());
        assertEquals(OptimizerSection.Schedule.CONSTANT, grpo.schedule());
        for (RecordComponent component : OptimizerSection.class.getRecordComponents()) {
            if (List.of("lr", "schedule").contains(component.getName())) continue;
            assertEquals(ConfigSchema.valueOf(sft, component), ConfigSchema.valueOf(grpo, component), component.getName());
        }
        assertEquals(OptimizerSection.grpoDefaults(), grpo);
    }

    @Test
    void stageSectionsAreAbsentAndRequiredPathsUnset() {
        RunConfig defaults = RunConfig.defaults();
        assertNull(defaults.sft());
        assertNull(defaults.grpo());
        assertNull(defaults.model().path());
        assertNull(defaults.data().path());
        assertEquals(Path.of("runs"), defaults.outputDir());
    }

    record NoDefault(@Key("A key someone forgot to give a default.") int count) {}

    record RequiredWithDefault(@Key(value = "Both required and defaulted.", defaultValue = "x", required = true)
                                       String name) {}

    record MisspelledEnum(@Key(value = "An enum.", defaultValue = "cosinus") OptimizerSection.Schedule schedule) {}

    record NotANumber(@Key(value = "A number.", defaultValue = "1e-5x") double lr) {}

    record UnknownOverride(@Key(value = "A section.", sectionDefaults = "learning_rate=1") OptimizerSection optimizer) {}

    record Listed(@Key(value = "A list.", defaultValue = "[cosine, constant]") List<OptimizerSection.Schedule> all) {}

    @Test
    void aBadDeclarationFailsNamingTheKey() {
        assertMessage("NoDefault.count has neither a defaultValue nor required = true", NoDefault.class);
        assertMessage("RequiredWithDefault.name is required and has a default", RequiredWithDefault.class);
        assertMessage("MisspelledEnum.schedule: default 'cosinus' is none of [cosine, linear, constant]",
                MisspelledEnum.class);
        assertMessage("NotANumber.lr: default '1e-5x' is not a number", NotANumber.class);
        assertMessage("section default 'learning_rate=1' names no key of OptimizerSection", UnknownOverride.class);
    }

    @Test
    void listsAreReadInOrder() {
        assertEquals(List.of(OptimizerSection.Schedule.COSINE, OptimizerSection.Schedule.CONSTANT),
                KeyDefaults.of(Listed.class).all());
    }

    private static void assertMessage(String expected, Class<? extends Record> type) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KeyDefaults.of(type));
        assertEquals(expected, e.getMessage());
    }

    private static RunConfig defaultsWithStages() {
        RunConfig d = RunConfig.defaults();
        return new RunConfig(d.name(), d.seed(), d.outputDir(), d.model(), d.data(), d.prompt(), d.lora(),
                SftSection.defaults(), GrpoSection.defaults(), d.reward(), d.eval(), d.checkpoint(), d.logging(), d.distributed());
    }

    private static void checkSection(String markdown, String path, Class<?> section, Object defaults) {
        for (RecordComponent component : section.getRecordComponents()) {
            Key key = component.getAnnotation(Key.class);
            String name = ConfigBinder.join(path, ConfigSchema.keyName(component));
            Object value = ConfigSchema.valueOf(defaults, component);
            if (component.getType().isRecord()) {
                assertTrue(key.defaultValue().isEmpty() && !key.required(), name + ": a section's defaults are its keys'");
                checkSection(markdown, name, component.getType(), value);
                continue;
            }
            assertTrue(key.required() == key.defaultValue().isEmpty(), name + ": give exactly one of defaultValue and required");
            String shown = key.required() ? "required" : "`" + ConfigSchema.describe(value) + "`";
            assertTrue(markdown.contains("| `" + name + "` | " + ConfigSchema.typeName(component.getGenericType()) + " | "
                    + shown + " |"), name + " does not show its default " + shown + " in the reference");
        }
    }

    private static void checkRanges(Class<?> section, Object defaults) {
        for (RecordComponent component : section.getRecordComponents()) {
            Object value = ConfigSchema.valueOf(defaults, component);
            if (value instanceof Record nested) {
                checkRanges(component.getType(), nested);
            } else if (value instanceof Number number) {
                Key key = component.getAnnotation(Key.class);
                assertTrue(ConfigSchema.inRange(key, number.doubleValue()), section.getSimpleName() + "." + component.getName()
                        + " = " + number + " is outside " + ConfigSchema.range(key));
            }
        }
    }
}
