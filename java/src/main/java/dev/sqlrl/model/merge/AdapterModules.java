package dev.sqlrl.model.merge;

import dev.sqlrl.UserInputException;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The modules a PEFT adapter file adapts, each with its lora_A and lora_B tensor. Keys look like
 * {@code base_model.model.<module>.lora_A[.<adapter name>].weight}; PEFT keeps the adapter name
 * ("default") in some versions.
 */
final class AdapterModules {
    /** One adapted linear layer: its module path in the base model and the keys of its two factors. */
    record LoraModule(String module, String aKey, String bKey) {
        /** The base model's weight this module's delta is added to. */
        String baseWeight() {
            return module + ".weight";
        }
    }

    private static final Pattern KEY = Pattern.compile("base_model\\.model\\.(.+)\\.lora_([AB])(?:\\.[^.]+)?\\.weight");

    private AdapterModules() {}

    /** Modules in file order; a key of another form, or a factor without its partner, is refused. */
    static Map<String, LoraModule> read(SafetensorsFile adapter) {
        Map<String, String> aKeys = new LinkedHashMap<>();
        Map<String, String> bKeys = new LinkedHashMap<>();
        for (String key : adapter.tensors().keySet()) {
            Matcher m = KEY.matcher(key);
            if (!m.matches()) {
                throw new UserInputException(adapter.path() + " tensor '" + key + "' is not a LoRA factor "
                        + "(base_model.model.<module>.lora_A.weight or .lora_B.weight)");
            }
            Map<String, String> side = m.group(2).equals("A") ? aKeys : bKeys;
            if (side.put(m.group(1), key) != null) {
                throw new UserInputException(adapter.path() + " holds two lora_" + m.group(2) + " tensors for module '"
                        + m.group(1) + "'");
            }
        }
        Map<String, LoraModule> modules = new LinkedHashMap<>();
        for (Map.Entry<String, String> a : aKeys.entrySet()) {
            String b = bKeys.remove(a.getKey());
            if (b == null) {
                throw new UserInputException(adapter.path() + " has '" + a.getValue() + "' but no lora_B tensor for module '"
                        + a.getKey() + "'");
            }
            modules.put(a.getKey(), new LoraModule(a.getKey(), a.getValue(), b));
        }
        if (!bKeys.isEmpty()) {
            throw new UserInputException(adapter.path() + " has '" + bKeys.values().iterator().next()
                    + "' but no lora_A tensor for its module");
        }
        if (modules.isEmpty()) throw new UserInputException(adapter.path() + " holds no LoRA tensors");
        return modules;
    }
}
