package dev.sqlrl.config;

import dev.sqlrl.model.LoraTarget;
import java.util.List;

/** The trainable LoRA adapters: y = W x + (alpha / rank) B A x on each target module. */
public record LoraSection(
        @Key(value = "Rank r of the adapters.", min = 1, max = 1024) int rank,
        @Key(value = "Scale numerator alpha; the update is scaled by alpha / rank.", min = 0, minExclusive = true) double alpha,
        @Key(value = "Dropout on the adapter input during training.", min = 0, max = 1, maxExclusive = true) double dropout,
        @Key("Linear layers that get adapters (PEFT names); all seven is what QLoRA recommends.")
                List<LoraTarget> targetModules) {

    public LoraSection {
        targetModules = targetModules == null ? null : List.copyOf(targetModules);
    }

    public static LoraSection defaults() {
        return new LoraSection(16, 32, 0.05, LoraTarget.ALL);
    }
}
