package dev.sqlrl.model.bnb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.UserInputException;

/**
 * config.json's `quantization_config` of a bitsandbytes 4-bit checkpoint (transformers' BitsAndBytesConfig),
 * checked: NF4 only, stored as uint8. Which tensors are quantized is read from the weight files themselves
 * (a weight with a quant_state beside it), so `llm_int8_skip_modules` needs no interpretation here.
 */
public record BnbQuantizationConfig(boolean doubleQuant) {

    /** The checked quantization of a config.json, or null when it has none. */
    public static BnbQuantizationConfig parse(JsonNode root, String where) {
        JsonNode q = root.get("quantization_config");
        if (q == null || q.isNull()) return null;
        String method = q.path("quant_method").asText("");
        if (!method.equals("bitsandbytes")) {
            throw new UserInputException(where + ": quantization_config.quant_method '" + method
                    + "' is not supported (only bitsandbytes 4-bit NF4 checkpoints load as stored)");
        }
        if (q.path("load_in_8bit").asBoolean(false)) {
            throw new UserInputException(where + ": quantization_config.load_in_8bit = true is not supported"
                    + " (bitsandbytes 8-bit weights; only 4-bit NF4 checkpoints load)");
        }
        if (!q.path("load_in_4bit").asBoolean(false)) {
            throw new UserInputException(where + ": quantization_config.load_in_4bit must be true for a bitsandbytes checkpoint");
        }
        String type = q.path("bnb_4bit_quant_type").asText("fp4");  // transformers' default
        if (!type.equals("nf4")) {
            throw new UserInputException(where + ": quantization_config.bnb_4bit_quant_type '" + type
                    + "' is not supported (nf4 only)");
        }
        String storage = q.path("bnb_4bit_quant_storage").asText("uint8");
        if (!storage.equals("uint8")) {
            throw new UserInputException(where + ": quantization_config.bnb_4bit_quant_storage '" + storage
                    + "' is not supported (uint8 only)");
        }
        return new BnbQuantizationConfig(q.path("bnb_4bit_use_double_quant").asBoolean(false));
    }
}
