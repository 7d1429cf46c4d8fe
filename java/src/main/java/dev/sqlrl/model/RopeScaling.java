package dev.sqlrl.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.UserInputException;
import java.util.Locale;

/**
 * Llama 3's RoPE frequency scaling (rope_type "llama3"), the one scaling sqlrl implements; read from
 * `rope_parameters` (transformers 5) or `rope_scaling` (older configs). Any other type is refused naming
 * the key and the value.
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {

    /** The scaling of a config.json, or null for plain RoPE. */
    static RopeScaling parse(JsonNode root, String where) {
        String key = root.path("rope_parameters").isObject() ? "rope_parameters" : "rope_scaling";
        JsonNode scaling = root.path(key);
        if (!scaling.isObject()) return null;
        String type = scaling.path("rope_type").asText(scaling.path("type").asText("default"));
        switch (type.toLowerCase(Locale.ROOT)) {
            case "default":
                return null;
            case "llama3":
                RopeScaling s = new RopeScaling(positive(scaling, key, "factor", where),
                        positive(scaling, key, "low_freq_factor", where), positive(scaling, key, "high_freq_factor", where),
                        (int) positive(scaling, key, "original_max_position_embeddings", where));
                if (s.highFreqFactor <= s.lowFreqFactor) {
                    throw new UserInputException(where + ": " + key + ".high_freq_factor " + s.highFreqFactor
                            + " must be greater than low_freq_factor " + s.lowFreqFactor);
                }
                return s;
            default:
                throw new UserInputException(where + ": " + key + ".rope_type '" + type + "' is not supported"
                        + " (supported: default, llama3; yarn, dynamic, linear and longrope scaling are not implemented)");
        }
    }

    private static double positive(JsonNode scaling, String key, String field, String where) {
        JsonNode n = scaling.get(field);
        if (n == null || !n.isNumber() || !(n.asDouble() > 0)) {
            throw new UserInputException(where + ": " + key + "." + field + " must be a positive number for rope_type"
                    + " 'llama3', got " + (n == null ? "nothing" : n));
        }
        return n.asDouble();
    }
}
