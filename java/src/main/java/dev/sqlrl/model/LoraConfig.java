package dev.sqlrl.model;

import java.util.List;

/** LoRA hyper-parameters: y = W x + (alpha / rank) B A x on each target module. */
public record LoraConfig(int rank, double alpha, List<LoraTarget> targets, double dropout) {
    public LoraConfig {
        if (rank <= 0) throw new IllegalArgumentException("LoRA rank must be > 0, got " + rank);
        if (targets.isEmpty()) throw new IllegalArgumentException("LoRA needs at least one target module");
        if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        targets = List.copyOf(targets);
    }
}
