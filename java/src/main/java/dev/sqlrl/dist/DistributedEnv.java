package dev.sqlrl.dist;

import dev.sqlrl.UserInputException;
import java.util.Map;

/**
 * Where this process stands in a data-parallel run, read from the variables torchrun sets (and that a Slurm or
 * Kubernetes wrapper, or {@code sqlrl train --nproc-per-node}, sets the same way): RANK, WORLD_SIZE, LOCAL_RANK,
 * MASTER_ADDR, MASTER_PORT. A process started without WORLD_SIZE is a single-process run.
 *
 * @param rank               this process's place in [0, worldSize)
 * @param worldSize          how many processes train together
 * @param localRank          this process's place among those on its machine (by convention, which GPU it uses)
 * @param masterAddr         host of the rendezvous store (rank 0's machine, or the launcher's)
 * @param masterPort         port of the rendezvous store; 0 in a single-process run
 * @param launcherHostsStore whether the launcher already serves the store at masterAddr:masterPort (torchrun's agent
 *                           store), so that rank 0 joins it as a client instead of starting its own
 */
public record DistributedEnv(int rank, int worldSize, int localRank, String masterAddr, int masterPort,
                             boolean launcherHostsStore) {
    /** torchrun sets this to True when its agent hosts the store that the ranks must join. */
    static final String AGENT_STORE_VARIABLE = "TORCHELASTIC_USE_AGENT_STORE";

    /** A run of one process: nothing to join. */
    public static DistributedEnv singleProcess() {
        return new DistributedEnv(0, 1, 0, "127.0.0.1", 0, false);
    }

    /** This process's place, from its own environment. */
    public static DistributedEnv current() {
        return fromEnvironment(System.getenv());
    }

    /**
     * The place that {@code env} describes. MASTER_ADDR has no default: on several machines 127.0.0.1 would leave
     * the other machines' ranks waiting for the whole rendezvous timeout, so a missing one is an error at once.
     *
     * @throws UserInputException naming the variable and its value when a variable is missing or malformed
     */
    public static DistributedEnv fromEnvironment(Map<String, String> env) {
        String worldSizeText = env.get("WORLD_SIZE");
        if (worldSizeText == null) return singleProcess();
        int worldSize = integer(env, "WORLD_SIZE");
        if (worldSize < 1) throw new UserInputException("WORLD_SIZE must be >= 1, got WORLD_SIZE=" + worldSizeText);
        String rankText = env.get("RANK");
        if (rankText == null) {
            if (worldSize == 1) return singleProcess();
            throw new UserInputException("RANK is not set but WORLD_SIZE=" + worldSizeText
                    + " is: a launcher must set RANK for each process");
        }
        int rank = integer(env, "RANK");
        if (rank < 0 || rank >= worldSize) {
            throw new UserInputException("RANK must be in [0, WORLD_SIZE) = [0, " + worldSize + "), got RANK=" + rankText);
        }
        int localRank = env.containsKey("LOCAL_RANK") ? integer(env, "LOCAL_RANK") : rank;
        if (localRank < 0) throw new UserInputException("LOCAL_RANK must be >= 0, got LOCAL_RANK=" + env.get("LOCAL_RANK"));
        if (worldSize == 1) return new DistributedEnv(rank, 1, localRank, "127.0.0.1", 0, false);
        String masterAddr = env.get("MASTER_ADDR");
        if (masterAddr == null || masterAddr.isBlank()) {
            throw new UserInputException("MASTER_ADDR is not set but WORLD_SIZE=" + worldSizeText
                    + " is: set it to the host of rank 0 (torchrun sets it)");
        }
        if (!env.containsKey("MASTER_PORT")) {
            throw new UserInputException("MASTER_PORT is not set but WORLD_SIZE=" + worldSizeText
                    + " is: set it to a free port on MASTER_ADDR=" + masterAddr + " (torchrun sets it)");
        }
        int masterPort = integer(env, "MASTER_PORT");
        if (masterPort < 1 || masterPort > 65535) {
            throw new UserInputException("MASTER_PORT must be in 1..65535, got MASTER_PORT=" + env.get("MASTER_PORT"));
        }
        boolean launcherHostsStore = "true".equalsIgnoreCase(env.getOrDefault(AGENT_STORE_VARIABLE, "").strip());
        return new DistributedEnv(rank, worldSize, localRank, masterAddr.strip(), masterPort, launcherHostsStore);
    }

    /** Whether this process trains together with others (and must join a process group). */
    public boolean isDistributed() {
        return worldSize > 1;
    }

    /** Whether this process is rank 0, the one that reports the run (a single process is rank 0). */
    public boolean isRankZero() {
        return rank == 0;
    }

    /** Whether this process must start the rendezvous store (rank 0, unless the launcher hosts it). */
    public boolean hostsStore() {
        return isDistributed() && rank == 0 && !launcherHostsStore;
    }

    private static int integer(Map<String, String> env, String name) {
        String text = env.get(name);
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new UserInputException(name + " must be an integer, got " + name + "=" + text);
        }
    }
}
