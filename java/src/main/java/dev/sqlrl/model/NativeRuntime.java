package dev.sqlrl.model;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.sqlrl.bindings.SqlrlNative;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Process-wide native settings and facts. */
public final class NativeRuntime {
    private NativeRuntime() {}

    /** Intra-op threads of the native CPU backend. */
    public static void setThreads(int threads) {
        NativeModel.check("sqlrl_set_num_threads", SqlrlNative.setNumThreads(threads));
    }

    /** The GPU that models created afterwards use (a data-parallel rank's LOCAL_RANK); see sqlrl_cuda_set_device. */
    public static void setCudaDevice(int index) {
        NativeModel.check("sqlrl_cuda_set_device", SqlrlNative.cudaSetDevice(index));
    }

    public static boolean cudaAvailable() {
        return SqlrlNative.cudaAvailable() == 1;
    }

    /** The native library's version string, e.g. "0.1.0 (cpu)". */
    public static String version() {
        return SqlrlNative.version();
    }

    /** Measured copy bandwidth of a device in bytes/s (read + write), over `repeats` copies of `bytes`. */
    public static double copyBandwidth(Device device, long bytes, int repeats) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_DOUBLE);
            NativeModel.check("sqlrl_device_copy_bandwidth", SqlrlNative.deviceCopyBandwidth(device.code, bytes, repeats, out));
            return out.get(JAVA_DOUBLE, 0);
        }
    }

    /**
     * ATen operators that libsqlrl dispatches while `work` runs (every thread; sqlrl_op_count_*): the host-side
     * cost of a call. Not for timing: counting slows each operator a little.
     */
    public static long countOps(Runnable work) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            NativeModel.check("sqlrl_op_count_start", SqlrlNative.opCountStart());
            try {
                work.run();
            } finally {
                NativeModel.check("sqlrl_op_count_stop", SqlrlNative.opCountStop(out));
            }
            return out.get(JAVA_LONG, 0);
        }
    }
}
