package dev.sqlrl.model;

import dev.sqlrl.bindings.SqlrlNative;

/** Process-wide native settings and facts. */
public final class NativeRuntime {
    private NativeRuntime() {}

    /** Intra-op threads of the native CPU backend. */
    public static void setThreads(int threads) {
        NativeModel.check("sqlrl_set_num_threads", SqlrlNative.setNumThreads(threads));
    }

    public static boolean cudaAvailable() {
        return SqlrlNative.cudaAvailable() == 1;
    }
}
