package dev.sqlrl.dist;

import java.util.Map;

/**
 * How one rank's process ended, in words. On Linux Java reports a child killed by signal N as exit value 128 + N
 * (what a shell shows as $?): it cannot tell that from a child that called exit(128 + N) itself, but sqlrl exits
 * only with 0, 1 or 2, so a value above 128 is read as the signal.
 */
record RankExit(int rank, long pid, int exitValue) {
    private static final Map<Integer, String> SIGNAL_NAMES = Map.of(1, "SIGHUP", 2, "SIGINT", 6, "SIGABRT", 9, "SIGKILL",
            11, "SIGSEGV", 15, "SIGTERM");

    boolean succeeded() {
        return exitValue == 0;
    }

    /** The signal that killed the process, or 0 when it exited by itself. */
    int signal() {
        return exitValue > 128 && exitValue < 128 + 65 ? exitValue - 128 : 0;
    }

    /** E.g. "rank 1 (pid 1234) was killed by signal 9 (SIGKILL)" or "rank 0 (pid 99) exited with code 3". */
    String describe() {
        String who = "rank " + rank + " (pid " + pid + ")";
        int signal = signal();
        if (signal == 0) return who + " exited with code " + exitValue;
        String name = SIGNAL_NAMES.get(signal);
        return who + " was killed by signal " + signal + (name == null ? "" : " (" + name + ")");
    }
}
