package dev.sqlrl.config;

import dev.sqlrl.model.DenseSampling;

/**
 * model.dense_sampling as a config spells it: auto, true or false (the words a boolean key had before auto existed,
 * so that existing configs keep their meaning).
 */
public enum DenseSamplingSetting {
    AUTO(DenseSampling.AUTO),
    TRUE(DenseSampling.ON),
    FALSE(DenseSampling.OFF);

    private final DenseSampling mode;

    DenseSamplingSetting(DenseSampling mode) {
        this.mode = mode;
    }

    public DenseSampling mode() {
        return mode;
    }
}
