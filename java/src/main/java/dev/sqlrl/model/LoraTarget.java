package dev.sqlrl.model;

import dev.sqlrl.UserInputException;
import dev.sqlrl.bindings.SqlrlNative;
import java.util.Collection;
import java.util.List;

/** The linear layers LoRA can adapt, with PEFT's module names. */
public enum LoraTarget {
    Q("q_proj", SqlrlNative.LORA_Q),
    K("k_proj", SqlrlNative.LORA_K),
    V("v_proj", SqlrlNative.LORA_V),
    O("o_proj", SqlrlNative.LORA_O),
    GATE("gate_proj", SqlrlNative.LORA_GATE),
    UP("up_proj", SqlrlNative.LORA_UP),
    DOWN("down_proj", SqlrlNative.LORA_DOWN);

    public final String moduleName;
    final int bit;

    LoraTarget(String moduleName, int bit) {
        this.moduleName = moduleName;
        this.bit = bit;
    }

    public static final List<LoraTarget> ALL = List.of(values());

    public static LoraTarget parse(String name) {
        for (LoraTarget t : values()) {
            if (t.moduleName.equals(name) || t.name().equalsIgnoreCase(name)) return t;
        }
        throw new UserInputException("unknown LoRA target module '" + name + "' (q_proj, k_proj, v_proj, o_proj, "
                + "gate_proj, up_proj, down_proj)");
    }

    static int mask(Collection<LoraTarget> targets) {
        int m = 0;
        for (LoraTarget t : targets) m |= t.bit;
        return m;
    }
}
