package dev.sqlrl.train;

import dev.sqlrl.model.NativeModel;
import java.util.Map;

/** Memory figures recorded with every step: native weights, adapters + optimizer, device peak, JVM heap. */
public final class MemoryMetrics {
    private MemoryMetrics() {}

    public static void put(NativeModel model, Map<String, Object> record) {
        NativeModel.MemoryStats stats = model.memory();
        record.put("memory/weights_bytes", stats.weightBytes());
        record.put("memory/lora_bytes", stats.loraBytes());
        if (stats.devicePeak() >= 0) {
            record.put("memory/device_peak_bytes", stats.devicePeak());
        }
        Runtime runtime = Runtime.getRuntime();
        record.put("memory/jvm_heap_bytes", runtime.totalMemory() - runtime.freeMemory());
    }
}
