package dev.sqlrl.dist;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A launcher stopped by SIGTERM (what Ctrl-C, kill and a job scheduler's cancel do) takes its ranks with it. */
class RankLauncherShutdownTest {
    @TempDir Path tmp;

    @Test
    void sigtermToTheLauncherStopsEveryRank() throws Exception {
        String script = "echo $$ > " + tmp + "/rank$RANK.pid.tmp && mv " + tmp + "/rank$RANK.pid.tmp " + tmp
                + "/rank$RANK.pid; exec sleep 60";
        Process launcher = new ProcessBuilder(SelfCommand.of(RankLauncherFixture.class.getName(), List.of(script, "2")))
                .redirectOutput(tmp.resolve("launcher.out").toFile()).redirectError(tmp.resolve("launcher.err").toFile())
                .start();
        try {
            long[] pids = {awaitPid(0), awaitPid(1)};
            launcher.destroy(); // SIGTERM
            assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the launcher exits");
            for (long pid : pids) {
                Optional<ProcessHandle> rank = ProcessHandle.of(pid);
                if (rank.isPresent()) rank.get().onExit().get(10, TimeUnit.SECONDS);
                assertFalse(rank.isPresent() && rank.get().isAlive(), "rank pid " + pid + " outlived its launcher");
            }
        } finally {
            launcher.destroyForcibly();
        }
    }

    private long awaitPid(int rank) throws IOException, InterruptedException {
        Path file = tmp.resolve("rank" + rank + ".pid");
        for (int tries = 0; tries < 300 && !Files.exists(file); tries++) Thread.sleep(100);
        assertTrue(Files.exists(file), "rank " + rank + " started; launcher said: "
                + (Files.exists(tmp.resolve("launcher.err")) ? Files.readString(tmp.resolve("launcher.err")) : ""));
        return Long.parseLong(Files.readString(file).strip());
    }
}
