package dev.sqlrl.perf;

import dev.sqlrl.model.Device;
import dev.sqlrl.model.LoraConfig;
import dev.sqlrl.model.LoraTarget;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.WeightMode;
import java.util.List;

/** A benchmark model: a named shape with random weights made on the device, LoRA on every projection. */
public final class RandomModels {
    private RandomModels() {}

    /** loraRank 0: no adapters. Alpha is 2 * rank, as in the configs. */
    public static NativeModel create(ModelShape shape, WeightMode weights, Device device, boolean doubleQuant,
                                     int loraRank, long seed) {
        NativeModel model = NativeModel.create(shape.config(), weights, device, doubleQuant);
        try {
            model.finalizeRandomWeights(seed);
            if (loraRank > 0) {
                model.attachLora(new LoraConfig(loraRank, 2.0 * loraRank, List.of(LoraTarget.values()), 0.0), seed + 1);
            }
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
