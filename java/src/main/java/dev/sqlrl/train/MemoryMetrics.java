package dev.sqlrl.train;

import static dev.sqlrl.train.run.MetricKeys.MEMORY_DEVICE_PEAK_BYTES;
import static dev.sqlrl.train.run.MetricKeys.MEMORY_JVM_HEAP_BYTES;
import static dev.sqlrl.train.run.MetricKeys.MEMORY_LORA_BYTES;
import static dev.sqlrl.train.run.MetricKeys.MEMORY_WEIGHTS_BYTES;

import dev.sqlrl.model.NativeModel;
import dev.sqlrl.train.run.Metric;
import java.util.OptionalLong;

/**
 * Memory figures recorded with every training step: native weights, adapters + optimizer, device peak (only where
 * the device reports one), JVM heap.
 */
public record MemoryMetrics(
        @Metric(MEMORY_WEIGHTS_BYTES) long weightBytes,
        @Metric(MEMORY_LORA_BYTES) long loraBytes,
        @Metric(MEMORY_DEVICE_PEAK_BYTES) OptionalLong devicePeakBytes,
        @Metric(MEMORY_JVM_HEAP_BYTES) long jvmHeapBytes) {

    /** The figures now. */
    public static MemoryMetrics measure(NativeModel model) {
        NativeModel.MemoryStats stats = model.memory();
        Runtime runtime = Runtime.getRuntime();
        return new MemoryMetrics(stats.weightBytes(), stats.loraBytes(),
                stats.devicePeak() >= 0 ? OptionalLong.of(stats.devicePeak()) : OptionalLong.empty(),
                runtime.totalMemory() - runtime.freeMemory());
    }
}
