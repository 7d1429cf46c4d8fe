package dev.sqlrl.train;

import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeModel.LoraBuffer;
import dev.sqlrl.model.NativeModel.LoraTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Data-parallel ranks as threads of one JVM exchanging through shared memory: the semantics of {@link DataParallel}
 * without a network, so that a test checks how the stages split their work apart from how c10d moves bytes (the
 * c10d path is tested through ProcessGroup and the launcher). Sums run in rank order, as a ring would not; the
 * tests compare within rounding.
 */
final class ThreadRanks {
    private final int world;
    private final CyclicBarrier barrier;
    private final Object[] slots;

    private ThreadRanks(int world) {
        this.world = world;
        this.barrier = new CyclicBarrier(world);
        this.slots = new Object[world];
    }

    static List<DataParallel> of(int world) {
        ThreadRanks shared = new ThreadRanks(world);
        List<DataParallel> ranks = new ArrayList<>();
        for (int r = 0; r < world; r++) ranks.add(shared.new Rank(r));
        return ranks;
    }

    /** Every rank's value, in rank order, once all have given theirs. */
    @SuppressWarnings("unchecked")
    private <T> List<T> exchange(int rank, T mine) {
        slots[rank] = mine;
        await();
        List<T> all = new ArrayList<>();
        for (Object slot : slots) all.add((T) slot);
        await();  // nobody overwrites a slot before everyone has read it
        return all;
    }

    private void await() {
        try {
            barrier.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("a rank thread stopped", e);
        }
    }

    private final class Rank implements DataParallel {
        private final int rank;

        Rank(int rank) {
            this.rank = rank;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int worldSize() {
            return world;
        }

        @Override
        public void sumGradients(NativeModel model) {
            for (LoraTensor t : model.loraTensors()) {
                List<float[]> all = exchange(rank, model.readLora(t, LoraBuffer.GRAD));
                float[] sum = new float[all.getFirst().length];
                for (float[] g : all) for (int i = 0; i < sum.length; i++) sum[i] += g[i];
                model.writeLora(t, LoraBuffer.GRAD, sum);
            }
        }

        @Override
        public void copyAdaptersFromLeader(NativeModel model) {
            for (LoraTensor t : model.loraTensors()) {
                for (LoraBuffer b : List.of(LoraBuffer.VALUE, LoraBuffer.ADAM_M, LoraBuffer.ADAM_V)) {
                    model.writeLora(t, b, exchange(rank, model.readLora(t, b)).getFirst());
                }
            }
        }

        @Override
        public double[] sum(double... values) {
            List<double[]> all = exchange(rank, values.clone());
            Arrays.fill(values, 0);
            for (double[] v : all) for (int i = 0; i < values.length; i++) values[i] += v[i];
            return values;
        }

        @Override
        public double[] max(double... values) {
            List<double[]> all = exchange(rank, values.clone());
            for (double[] v : all) for (int i = 0; i < values.length; i++) values[i] = Math.max(values[i], v[i]);
            return values;
        }

        @Override
        public byte[] fromLeader(byte[] leaderBytes) {
            return exchange(rank, leaderBytes).getFirst();
        }

        @Override
        public List<byte[]> gather(byte[] mine) {
            return exchange(rank, mine);
        }

        @Override
        public void close() {}
    }
}
