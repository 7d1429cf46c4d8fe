package dev.sqlrl.dist;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import dev.sqlrl.UserInputException;
import dev.sqlrl.bindings.SqlrlNative;
import dev.sqlrl.config.DistributedBackend;
import dev.sqlrl.model.NativeModel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * A rank's membership in a data-parallel group: libtorch's c10d (TCPStore rendezvous, Gloo or NCCL) behind
 * sqlrl_dist in sqlrl.h. Joining fails with a one-line {@link UserInputException} for what the user can fix (a port
 * in use, an unreachable MASTER_ADDR, ranks that never came, mismatched world sizes, a rank claimed twice); a
 * collective that fails later (a rank died) is a {@link DistributedException}. Every rank must make the same calls in
 * the same order. Not thread-safe.
 */
public final class ProcessGroup implements AutoCloseable {
    /** DDP's bucket: large enough to amortize a collective's latency, small enough to start early. */
    public static final long DEFAULT_BUCKET_BYTES = 25L << 20;

    public enum Reduce {
        SUM(SqlrlNative.REDUCE_SUM), MIN(SqlrlNative.REDUCE_MIN), MAX(SqlrlNative.REDUCE_MAX);

        final int code;

        Reduce(int code) {
            this.code = code;
        }
    }

    private final int rank;
    private final int worldSize;
    private MemorySegment handle;

    private ProcessGroup(int rank, int worldSize, MemorySegment handle) {
        this.rank = rank;
        this.worldSize = worldSize;
        this.handle = handle;
    }

    /** Joins as `rank` of `worldSize` at masterAddr:masterPort; rank 0 starts the store unless a launcher hosts it. */
    public static ProcessGroup join(int rank, int worldSize, String masterAddr, int masterPort, boolean hostStore,
                                    DistributedBackend backend, Duration timeout, long bucketBytes) {
        if (backend == DistributedBackend.AUTO) throw new IllegalArgumentException("resolve the backend first");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = SqlrlNative.DistParams.allocate(arena);
            SqlrlNative.distParamsInit(params);
            SqlrlNative.DistParams.rank(params, rank);
            SqlrlNative.DistParams.worldSize(params, worldSize);
            SqlrlNative.DistParams.masterAddr(params, arena.allocateFrom(masterAddr));
            SqlrlNative.DistParams.masterPort(params, masterPort);
            SqlrlNative.DistParams.hostStore(params, hostStore ? 1 : 0);
            SqlrlNative.DistParams.backend(params, backend == DistributedBackend.NCCL ? SqlrlNative.DIST_NCCL
                    : SqlrlNative.DIST_GLOO);
            SqlrlNative.DistParams.timeoutMs(params, timeout.toMillis());
            SqlrlNative.DistParams.bucketBytes(params, bucketBytes);
            MemorySegment out = arena.allocate(ADDRESS);
            int status = SqlrlNative.distCreate(params, out);
            if (status != SqlrlNative.OK) {
                String message = SqlrlNative.lastError();
                if (status == SqlrlNative.ERR_STATE || status == SqlrlNative.ERR_INVALID_ARGUMENT
                        || status == SqlrlNative.ERR_UNSUPPORTED) {
                    throw new UserInputException("data-parallel rendezvous failed: " + message);
                }
                NativeModel.check("sqlrl_dist_create", status);
            }
            return new ProcessGroup(rank, worldSize, out.get(ADDRESS, 0));
        }
    }

    public int rank() {
        return rank;
    }

    public int worldSize() {
        return worldSize;
    }

    /** Sums every rank's LoRA gradients into every rank's model, then multiplies them by `scale`. */
    public void allReduceLoraGrads(NativeModel model, double scale) {
        call("sqlrl_dist_allreduce_lora_grads", SqlrlNative.distAllreduceLoraGrads(live(), model.nativeHandle(), scale));
    }

    /** Makes every rank's LoRA values and AdamW moments `root`'s. */
    public void broadcastLora(NativeModel model, int root) {
        call("sqlrl_dist_broadcast_lora", SqlrlNative.distBroadcastLora(live(), model.nativeHandle(), root));
    }

    /** Reduces `values` over the ranks, in place. */
    public void allReduce(double[] values, Reduce op) {
        if (values.length == 0) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocateFrom(JAVA_DOUBLE, values);
            call("sqlrl_dist_allreduce_f64", SqlrlNative.distAllreduceF64(live(), buffer, values.length, op.code));
            MemorySegment.copy(buffer, JAVA_DOUBLE, 0, values, 0, values.length);
        }
    }

    /** Copies `root`'s bytes into `data` on every rank (every rank gives an array of the same length). */
    public void broadcast(byte[] data, int root) {
        if (data.length == 0) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocateFrom(JAVA_BYTE, data);
            call("sqlrl_dist_broadcast_bytes", SqlrlNative.distBroadcastBytes(live(), buffer, data.length, root));
            MemorySegment.copy(buffer, JAVA_BYTE, 0, data, 0, data.length);
        }
    }

    public void barrier() {
        call("sqlrl_dist_barrier", SqlrlNative.distBarrier(live()));
    }

    @Override
    public void close() {
        if (handle != null) {
            SqlrlNative.distFree(handle);
            handle = null;
        }
    }

    private MemorySegment live() {
        if (handle == null) throw new IllegalStateException("the process group is closed");
        return handle;
    }

    private static void call(String function, int status) {
        if (status == SqlrlNative.ERR_STATE) throw new DistributedException(SqlrlNative.lastError());
        NativeModel.check(function, status);
    }
}
