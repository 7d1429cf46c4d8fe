package dev.sqlrl.model;

import dev.sqlrl.UserInputException;
import dev.sqlrl.bindings.SqlrlNative;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The linear layers LoRA can adapt, with PEFT's module names. Phi-3 fuses q, k, v into `qkv_proj` and gate, up
 * into `gate_up_proj`; PEFT adapts those fused modules, so they stand for their members here.
 */
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

    /** PEFT's fused module names (Phi-3) and the projections each covers. */
    public static final Map<String, List<LoraTarget>> FUSED = Map.of("qkv_proj", List.of(Q, K, V),
            "gate_up_proj", List.of(GATE, UP));

    /** The projections a PEFT module name stands for: one, or the members of a fused module. */
    public static List<LoraTarget> parseModule(String name) {
        List<LoraTarget> fused = FUSED.get(name);
        return fused != null ? fused : List.of(parse(name));
    }

    /** Whether targets adapt the module named `moduleName` (a plain or a fused name). */
    public static boolean covers(Collection<LoraTarget> targets, String moduleName) {
        List<LoraTarget> fused = FUSED.get(moduleName);
        if (fused != null) return targets.containsAll(fused);
        return targets.stream().anyMatch(t -> t.moduleName.equals(moduleName));
    }

    /** PEFT's target_modules for targets: with `fuse` (Phi-3) complete fused groups under their fused name. */
    public static List<String> moduleNames(Collection<LoraTarget> targets, boolean fuse) {
        List<String> names = new ArrayList<>();
        for (LoraTarget t : values()) {
            if (!targets.contains(t)) continue;
            String fusedName = !fuse ? null : FUSED.entrySet().stream().filter(e -> e.getValue().contains(t))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            String name = fusedName != null ? fusedName : t.moduleName;
            if (!names.contains(name)) names.add(name);
        }
        return names;
    }

    public static LoraTarget parse(String name) {
        for (LoraTarget t : values()) {
            if (t.moduleName.equals(name) || t.name().equalsIgnoreCase(name)) return t;
        }
        throw new UserInputException("unknown LoRA target module '" + name + "' (q_proj, k_proj, v_proj, o_proj, "
                + "gate_proj, up_proj, down_proj; Phi-3: qkv_proj, gate_up_proj)");
    }

    static int mask(Collection<LoraTarget> targets) {
        int m = 0;
        for (LoraTarget t : targets) m |= t.bit;
        return m;
    }
}
