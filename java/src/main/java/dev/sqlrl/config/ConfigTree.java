package dev.sqlrl.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.List;

/** Config records as a YAML-shaped tree: the inverse of {@link ConfigBinder}, used to write resolved configs. */
final class ConfigTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConfigTree() {}

    /** Every key of the record, absent optional sections left out. */
    static ObjectNode of(Record record) {
        ObjectNode node = NODES.objectNode();
        for (RecordComponent component : ConfigSchema.components(record.getClass())) {
            Object value = ConfigSchema.valueOf(record, component);
            if (value != null) node.set(ConfigSchema.keyName(component), valueNode(value));
        }
        return node;
    }

    private static JsonNode valueNode(Object value) {
        return switch (value) {
            case Record r -> of(r);
            case List<?> list -> {
                ArrayNode array = NODES.arrayNode();
                list.forEach(element -> array.add(valueNode(element)));
                yield array;
            }
            case Enum<?> e -> NODES.textNode(ConfigSchema.spelling(e));
            case Path p -> NODES.textNode(p.toString());
            case String s -> NODES.textNode(s);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case Double d -> NODES.numberNode(d);
            case Boolean b -> NODES.booleanNode(b);
            default -> throw new IllegalStateException("no YAML form for " + value.getClass());
        };
    }
}
