package dev.sqlrl.perf;

import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.NativeModel;

/**
 * The least memory traffic of one decode step (every row advances one token), and the time it takes
 * at the measured bandwidth: a decode step of a batch this small is bound by memory, not compute.
 * It has to read every stored weight once (NF4 codes + absmax, or the dense matrices; the embedding
 * table counts once more when it is also the lm_head, since logits read it whole), the LoRA matrices,
 * and the K and V of every cached position it attends: with the fused decode step a prompt's positions
 * once for all its samples (they share one prefill), with the plain step once per row (a copy each).
 */
public record DecodeRoofline(long weightBytes, long loraBytes, long kvCacheBytes, double bandwidthBytesPerSecond) {

    /** cachedPositions: the cached positions whose K and V the step reads (all rows together), on average. */
    public static DecodeRoofline of(NativeModel model, double cachedPositions, int kvBytesPerValue,
                                    double bandwidthBytesPerSecond) {
        ModelConfig c = model.config();
        NativeModel.MemoryStats memory = model.memory();
        long kv = Math.round(2.0 * c.numLayers() * cachedPositions * c.numKvHeads() * c.headDim() * kvBytesPerValue);
        // The adapters' fp32 A and B only: their gradients and AdamW moments (also in loraBytes) stay put.
        long lora = 4 * model.loraTensors().stream().mapToLong(NativeModel.LoraTensor::elementCount).sum();
        return new DecodeRoofline(memory.weightBytes(), lora, kv, bandwidthBytesPerSecond);
    }

    public long bytesPerStep() {
        return weightBytes + loraBytes + kvCacheBytes;
    }

    public double secondsPerStep() {
        return bytesPerStep() / bandwidthBytesPerSecond;
    }
}
