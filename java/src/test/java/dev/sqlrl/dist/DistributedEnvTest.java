package dev.sqlrl.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DistributedEnvTest {
    /** What torchrun sets for rank 1 of 4 on a machine with two ranks. */
    private static Map<String, String> torchrunRank1() {
        Map<String, String> env = new HashMap<>();
        env.put("RANK", "1");
        env.put("WORLD_SIZE", "4");
        env.put("LOCAL_RANK", "1");
        env.put("MASTER_ADDR", "node0");
        env.put("MASTER_PORT", "29500");
        return env;
    }

    private static Map<String, String> without(Map<String, String> env, String name) {
        env.remove(name);
        return env;
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        env.put(name, value);
        return env;
    }

    private static void assertRefused(String message, Map<String, String> env) {
        UserInputException e = assertThrows(UserInputException.class, () -> DistributedEnv.fromEnvironment(env));
        assertEquals(message, e.getMessage());
    }

    @Test
    void noWorldSizeIsOneProcess() {
        DistributedEnv env = DistributedEnv.fromEnvironment(Map.of("PATH", "/usr/bin", "RANK", "3"));
        assertEquals(DistributedEnv.singleProcess(), env);
        assertFalse(env.isDistributed());
        assertTrue(env.isRankZero());
        assertFalse(env.hostsStore());
    }

    @Test
    void worldSizeOneWithoutRankIsOneProcess() {
        assertEquals(DistributedEnv.singleProcess(), DistributedEnv.fromEnvironment(Map.of("WORLD_SIZE", "1")));
    }

    @Test
    void worldOfOneFromALauncherNeedsNoMaster() {
        DistributedEnv env = DistributedEnv.fromEnvironment(Map.of("WORLD_SIZE", "1", "RANK", "0"));
        assertFalse(env.isDistributed());
        assertEquals(0, env.rank());
    }

    @Test
    void readsEveryTorchrunVariable() {
        DistributedEnv env = DistributedEnv.fromEnvironment(torchrunRank1());
        assertEquals(new DistributedEnv(1, 4, 1, "node0", 29500, false), env);
        assertTrue(env.isDistributed());
        assertFalse(env.isRankZero());
        assertFalse(env.hostsStore());
    }

    @Test
    void rankZeroHostsTheStoreUnlessTheLauncherDoes() {
        Map<String, String> rank0 = with(with(torchrunRank1(), "RANK", "0"), "LOCAL_RANK", "0");
        assertTrue(DistributedEnv.fromEnvironment(rank0).hostsStore());
        DistributedEnv underAgent = DistributedEnv.fromEnvironment(with(rank0, "TORCHELASTIC_USE_AGENT_STORE", "True"));
        assertTrue(underAgent.launcherHostsStore());
        assertFalse(underAgent.hostsStore());
    }

    @Test
    void missingLocalRankIsTheRank() {
        assertEquals(1, DistributedEnv.fromEnvironment(without(torchrunRank1(), "LOCAL_RANK")).localRank());
    }

    @Test
    void nonIntegerRankIsRefused() {
        assertRefused("RANK must be an integer, got RANK=one", with(torchrunRank1(), "RANK", "one"));
    }

    @Test
    void rankOutsideTheWorldIsRefused() {
        assertRefused("RANK must be in [0, WORLD_SIZE) = [0, 4), got RANK=4", with(torchrunRank1(), "RANK", "4"));
        assertRefused("RANK must be in [0, WORLD_SIZE) = [0, 4), got RANK=-1", with(torchrunRank1(), "RANK", "-1"));
    }

    @Test
    void missingRankIsRefusedInAWorldOfSeveral() {
        assertRefused("RANK is not set but WORLD_SIZE=4 is: a launcher must set RANK for each process",
                without(torchrunRank1(), "RANK"));
    }

    @Test
    void worldSizeBelowOneIsRefused() {
        assertRefused("WORLD_SIZE must be >= 1, got WORLD_SIZE=0", with(torchrunRank1(), "WORLD_SIZE", "0"));
        assertRefused("WORLD_SIZE must be an integer, got WORLD_SIZE=4x", with(torchrunRank1(), "WORLD_SIZE", "4x"));
    }

    @Test
    void negativeOrMalformedLocalRankIsRefused() {
        assertRefused("LOCAL_RANK must be >= 0, got LOCAL_RANK=-2", with(torchrunRank1(), "LOCAL_RANK", "-2"));
        assertRefused("LOCAL_RANK must be an integer, got LOCAL_RANK=", with(torchrunRank1(), "LOCAL_RANK", ""));
    }

    @Test
    void missingMasterAddrIsRefused() {
        assertRefused("MASTER_ADDR is not set but WORLD_SIZE=4 is: set it to the host of rank 0 (torchrun sets it)",
                without(torchrunRank1(), "MASTER_ADDR"));
    }

    @Test
    void missingMasterPortIsRefused() {
        assertRefused("MASTER_PORT is not set but WORLD_SIZE=4 is: set it to a free port on MASTER_ADDR=node0 "
                + "(torchrun sets it)", without(torchrunRank1(), "MASTER_PORT"));
    }

    @Test
    void portOutsideTheRangeIsRefused() {
        assertRefused("MASTER_PORT must be in 1..65535, got MASTER_PORT=0", with(torchrunRank1(), "MASTER_PORT", "0"));
        assertRefused("MASTER_PORT must be in 1..65535, got MASTER_PORT=65536",
                with(torchrunRank1(), "MASTER_PORT", "65536"));
        assertRefused("MASTER_PORT must be an integer, got MASTER_PORT=http", with(torchrunRank1(), "MASTER_PORT", "http"));
    }
}
