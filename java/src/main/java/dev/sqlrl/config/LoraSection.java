package dev.sqlrl.config;

import dev.sqlrl.model.LoraTarget;
import java.util.List;

/** The trainable LoRA adapters: y = W x + (alpha / rank) B A x on each target module. */
public record LoraSection(
        @Key(value = "Rank r of the adapters.", defaultValue = "16", why = "16 on all seven projections is a common "
                + "QLoRA setting; the adapters' parameters, gradients and AdamW state grow in proportion to the rank. "
                + "Keep alpha / rank when changing it, or the effective learning rate changes too.", min = 1, max = 1024) int rank,
        @Key(value = "Scale numerator alpha; the update is scaled by alpha / rank.", defaultValue = "32",
                why = "alpha = 2 x rank, the common choice: the adapters' output is multiplied by alpha / rank, so "
                + "doubling alpha acts like doubling the learning rate of the adapters.", min = 0, minExclusive = true)
                double alpha,
        @Key(value = "Dropout on the adapter input during training.", defaultValue = "0.05", min = 0, max = 1,
                maxExclusive = true) double dropout,
        @Key(value = "Linear layers that get adapters (PEFT names); all seven is what QLoRA recommends.",
                defaultValue = "[q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]")
                List<LoraTarget> targetModules) {

    public LoraSection {
        targetModules = targetModules == null ? null : List.copyOf(targetModules);
    }

    public static LoraSection defaults() {
        return KeyDefaults.of(LoraSection.class);
    }
}
