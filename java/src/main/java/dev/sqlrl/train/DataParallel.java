package dev.sqlrl.train;

import dev.sqlrl.model.NativeModel;

/**
 * The ranks that train one run together (DESIGN.md, "Where it scales out"), as a stage sees them. Every rank holds
 * the same adapters and optimizer state at every step: each computes the gradient of its share of the step's batch,
 * the shares' gradients are summed across ranks, and every rank takes the same optimizer step. Only the leader
 * (rank 0) writes the run folder. A run of one process is {@link #single()}, for which every call is a no-op.
 */
public interface DataParallel extends AutoCloseable {
    int rank();

    int worldSize();

    /** Whether this rank writes the run folder: metrics, samples, evaluations, checkpoints, plots. */
    default boolean writes() {
        return rank() == 0;
    }

    /** Sums the LoRA gradients of every rank's model into every rank's model. */
    void sumGradients(NativeModel model);

    /** Makes every rank's adapters and AdamW moments the leader's. */
    void copyAdaptersFromLeader(NativeModel model);

    /** Sums {@code values} over the ranks, in place, and returns them. */
    double[] sum(double... values);

    /** The largest of each value over the ranks, in place, and returns them. */
    double[] max(double... values);

    /** The leader's bytes on every rank (the argument is ignored on the others). */
    byte[] fromLeader(byte[] leaderBytes);

    /** Every rank's bytes on every rank, in rank order. */
    java.util.List<byte[]> gather(byte[] mine);

    @Override
    void close();

    /** This rank's share of {@code count} items split into contiguous blocks in rank order: [from, to). */
    default int[] share(int count) {
        int from = (int) ((long) count * rank() / worldSize());
        int to = (int) ((long) count * (rank() + 1) / worldSize());
        return new int[] {from, to};
    }

    /** One process: nothing to share. */
    static DataParallel single() {
        return SingleProcess.INSTANCE;
    }

    /** The run of one process. */
    final class SingleProcess implements DataParallel {
        private static final SingleProcess INSTANCE = new SingleProcess();

        private SingleProcess() {}

        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int worldSize() {
            return 1;
        }

        @Override
        public void sumGradients(NativeModel model) {}

        @Override
        public void copyAdaptersFromLeader(NativeModel model) {}

        @Override
        public double[] sum(double... values) {
            return values;
        }

        @Override
        public double[] max(double... values) {
            return values;
        }

        @Override
        public byte[] fromLeader(byte[] leaderBytes) {
            return leaderBytes;
        }

        @Override
        public java.util.List<byte[]> gather(byte[] mine) {
            return java.util.List.of(mine);
        }

        @Override
        public void close() {}
    }
}
