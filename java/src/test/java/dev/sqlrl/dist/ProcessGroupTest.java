package dev.sqlrl.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.DistributedBackend;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.train.DataParallel;
import dev.sqlrl.train.ProcessGroupRanks;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java side of sqlrl_dist: two ranks as threads of this JVM over Gloo on loopback, and the join errors. */
class ProcessGroupTest {
    @BeforeAll
    static void nativeLibrary() {
        NativeTests.assumeNative();
    }

    @Test
    void twoRanksReduceNumbersAndExchangeBytes() throws Exception {
        int port = freePort();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<Object>>> results = List.of(0, 1).stream().map(rank -> threads.submit(() -> {
                try (DataParallel ranks = ProcessGroupRanks.over(ProcessGroup.join(rank, 2, "127.0.0.1", port, true,
                        DistributedBackend.GLOO, Duration.ofSeconds(20), ProcessGroup.DEFAULT_BUCKET_BYTES))) {
                    double[] sum = ranks.sum(1.0 + rank, 10.0 * rank);
                    double[] max = ranks.max(rank, -rank);
                    byte[] leader = ranks.fromLeader(rank == 0 ? new byte[] {4, 5, 6} : new byte[0]);
                    List<byte[]> all = ranks.gather(new byte[rank + 1]);
                    return List.<Object>of(sum, max, leader, all);
                }
            })).toList();
            for (Future<List<Object>> result : results) {
                List<Object> r = result.get();
                assertArrayEquals(new double[] {3.0, 10.0}, (double[]) r.get(0));
                assertArrayEquals(new double[] {1.0, 0.0}, (double[]) r.get(1));
                assertArrayEquals(new byte[] {4, 5, 6}, (byte[]) r.get(2));
                @SuppressWarnings("unchecked")
                List<byte[]> all = (List<byte[]>) r.get(3);
                assertEquals(List.of(1, 2), all.stream().map(b -> b.length).toList());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aPortInUseIsAOneLineUserError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            UserInputException e = assertThrows(UserInputException.class, () -> ProcessGroup.join(0, 2, "127.0.0.1",
                    taken.getLocalPort(), true, DistributedBackend.GLOO, Duration.ofSeconds(1), 1 << 20));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void anUnreachableStoreIsAOneLineUserError() throws Exception {
        UserInputException e = assertThrows(UserInputException.class, () -> ProcessGroup.join(1, 2, "127.0.0.1",
                freePort(), true, DistributedBackend.GLOO, Duration.ofSeconds(1), 1 << 20));
        assertTrue(e.getMessage().contains("is MASTER_ADDR right, and rank 0 started?"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
