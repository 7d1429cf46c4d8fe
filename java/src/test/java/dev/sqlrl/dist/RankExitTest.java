package dev.sqlrl.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RankExitTest {
    @Test
    void anExitValueAbove128IsTheSignalThatKilledTheRank() {
        assertEquals("rank 1 (pid 42) was killed by signal 9 (SIGKILL)", new RankExit(1, 42, 137).describe());
        assertEquals("rank 0 (pid 7) was killed by signal 15 (SIGTERM)", new RankExit(0, 7, 143).describe());
        assertEquals("rank 3 (pid 8) was killed by signal 10", new RankExit(3, 8, 138).describe());
    }

    @Test
    void otherValuesAreExitCodes() {
        assertEquals("rank 2 (pid 9) exited with code 2", new RankExit(2, 9, 2).describe());
        assertEquals("rank 2 (pid 9) exited with code 128", new RankExit(2, 9, 128).describe());
        assertEquals("rank 2 (pid 9) exited with code 255", new RankExit(2, 9, 255).describe(), "beyond any signal number");
    }
}
