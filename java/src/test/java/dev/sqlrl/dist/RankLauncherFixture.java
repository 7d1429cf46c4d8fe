package dev.sqlrl.dist;

import java.time.Duration;
import java.util.List;

/** A launcher in a JVM of its own, for the test that stops it with SIGTERM: args are a bash script and a rank count. */
public final class RankLauncherFixture {
    private RankLauncherFixture() {}

    public static void main(String[] args) {
        System.exit(new RankLauncher(List.of("bash", "-c", args[0]), Integer.parseInt(args[1]), System.out, System.err,
                Duration.ofSeconds(2)).run());
    }
}
