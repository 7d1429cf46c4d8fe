package dev.sqlrl.train;

import dev.sqlrl.config.RunConfig;
import dev.sqlrl.dist.DistributedEnv;
import dev.sqlrl.dist.ProcessGroup;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link DataParallel} over libtorch's c10d: the ranks a launcher started (torchrun, srun, --nproc-per-node). */
public final class ProcessGroupRanks implements DataParallel {
    private final ProcessGroup group;

    private ProcessGroupRanks(ProcessGroup group) {
        this.group = group;
    }

    /**
     * The ranks `env` describes, joined with the config's backend and timeout; one process when the environment
     * names no launcher.
     */
    public static DataParallel join(DistributedEnv env, RunConfig config) {
        if (!env.isDistributed()) return DataParallel.single();
        // each rank of a machine takes its own GPU, before the model and the NCCL group are made on it
        if (config.model().device() == dev.sqlrl.model.Device.CUDA) NativeRuntime.setCudaDevice(env.localRank());
        var distributed = config.distributed();
        ProcessGroup group = ProcessGroup.join(env.rank(), env.worldSize(), env.masterAddr(), env.masterPort(),
                env.hostsStore(), distributed.backendFor(config.model().device()),
                Duration.ofSeconds(distributed.timeoutSeconds()), ProcessGroup.DEFAULT_BUCKET_BYTES);
        return new ProcessGroupRanks(group);
    }

    /** The ranks of a group joined elsewhere (closing these closes it). */
    public static DataParallel over(ProcessGroup group) {
        return new ProcessGroupRanks(group);
    }

    @Override
    public int rank() {
        return group.rank();
    }

    @Override
    public int worldSize() {
        return group.worldSize();
    }

    @Override
    public void sumGradients(NativeModel model) {
        group.allReduceLoraGrads(model, 1.0);
    }

    @Override
    public void copyAdaptersFromLeader(NativeModel model) {
        group.broadcastLora(model, 0);
    }

    @Override
    public double[] sum(double... values) {
        group.allReduce(values, ProcessGroup.Reduce.SUM);
        return values;
    }

    @Override
    public double[] max(double... values) {
        group.allReduce(values, ProcessGroup.Reduce.MAX);
        return values;
    }

    @Override
    public byte[] fromLeader(byte[] leaderBytes) {
        double[] length = {writes() ? leaderBytes.length : 0};
        group.allReduce(length, ProcessGroup.Reduce.MAX);
        byte[] out = writes() ? leaderBytes.clone() : new byte[(int) length[0]];
        group.broadcast(out, 0);
        return out;
    }

    @Override
    public List<byte[]> gather(byte[] mine) {
        double[] lengths = new double[worldSize()];
        lengths[rank()] = mine.length;
        group.allReduce(lengths, ProcessGroup.Reduce.SUM);
        List<byte[]> all = new ArrayList<>(worldSize());
        for (int r = 0; r < worldSize(); r++) {
            byte[] block = r == rank() ? mine.clone() : new byte[(int) lengths[r]];
            group.broadcast(block, r);
            all.add(block);
        }
        return all;
    }

    @Override
    public void close() {
        group.close();
    }
}
