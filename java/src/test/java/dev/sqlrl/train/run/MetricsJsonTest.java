package dev.sqlrl.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.train.EvalMetrics;
import dev.sqlrl.train.MemoryMetrics;
import dev.sqlrl.train.grpo.GrpoStepMetrics;
import dev.sqlrl.train.sft.SftStepMetrics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsJsonTest {
    record Group(@Metric("g/count") int count, @Metric("g/maybe") OptionalDouble maybe) {}

    record Line(long step, @Metric("x") double x, Group group, @Metric("by/") Map<String, Double> byName,
                @Metric("flag") boolean flag, @Metric("label") String label) implements MetricsRecord {
        @Override
        public String stage() {
            return "grpo";
        }
    }

    record Extra(@Metric("extra/bytes") long bytes, @Metric("extra/peak") OptionalLong peak) {}

    record Unnamed(long step, double x) implements MetricsRecord {
        @Override
        public String stage() {
            return "sft";
        }
    }

    record Twice(long step, @Metric("x") double x, @Metric("x") double y) implements MetricsRecord {
        @Override
        public String stage() {
            return "sft";
        }
    }

    @Test
    void writesStepAndStageFirstThenEveryComponentInOrderWithGroupsInPlace() {
        Map<String, Double> byName = new LinkedHashMap<>();
        byName.put("b", 2.0);
        byName.put("a", 1.0);
        Line line = new Line(7, 0.5, new Group(3, OptionalDouble.of(0.25)), byName, true, "hi");
        Map<String, Object> map = MetricsJson.toMap(line, new Extra(10, OptionalLong.of(11)));
        assertEquals(List.of("step", "stage", "x", "g/count", "g/maybe", "by/b", "by/a", "flag", "label", "extra/bytes",
                "extra/peak"), new ArrayList<>(map.keySet()));
        assertEquals(7L, map.get("step"));
        assertEquals("grpo", map.get("stage"));
        assertEquals(3, map.get("g/count"), "an int stays an int (a JSON integer)");
        assertEquals(0.25, map.get("g/maybe"));
        assertEquals(2.0, map.get("by/b"));
        assertEquals(true, map.get("flag"));
        assertEquals(11L, map.get("extra/peak"));
    }

    @Test
    void anEmptyOptionalLeavesItsKeyOut() {
        Line line = new Line(1, 0.5, new Group(3, OptionalDouble.empty()), Map.of(), false, "");
        Map<String, Object> map = MetricsJson.toMap(line, new Extra(10, OptionalLong.empty()));
        assertEquals(List.of("step", "stage", "x", "g/count", "flag", "label", "extra/bytes"), new ArrayList<>(map.keySet()));
    }

    @Test
    void aComponentWithoutANameIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MetricsJson.toMap(new Unnamed(1, 2)));
        assertTrue(e.getMessage().contains("Unnamed.x"), e.getMessage());
    }

    @Test
    void aNameUsedTwiceIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MetricsJson.toMap(new Twice(1, 2, 3)));
        assertTrue(e.getMessage().contains("\"x\""), e.getMessage());
    }

    @Test
    void everyTrainingMetricIsNamedByAMetricKeysConstantOncePerLine() throws IllegalAccessException {
        Set<String> declared = new HashSet<>();
        for (Field field : MetricKeys.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                assertTrue(declared.add((String) field.get(null)), "MetricKeys declares " + field.get(null) + " twice");
            }
        }
        // a training step's line holds its record and the memory figures; an evaluation's its record alone
        for (List<Class<?>> line : List.<List<Class<?>>>of(List.of(SftStepMetrics.class, MemoryMetrics.class),
                List.of(GrpoStepMetrics.class, MemoryMetrics.class), List.of(EvalMetrics.class))) {
            List<String> used = new ArrayList<>();
            line.forEach(type -> collectNames(type, used));
            for (String name : used) {
                assertTrue(declared.contains(name), name + " is not a MetricKeys constant");
            }
            assertEquals(used.size(), new HashSet<>(used).size(), "a name is used twice in one line: " + used);
        }
    }

    private static void collectNames(Class<?> type, List<String> names) {
        for (RecordComponent component : type.getRecordComponents()) {
            Metric metric = component.getAnnotation(Metric.class);
            if (metric != null) {
                names.add(metric.value());
            } else if (component.getType().isRecord()) {
                collectNames(component.getType(), names);
            }
        }
    }
}
