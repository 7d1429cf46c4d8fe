package dev.sqlrl.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes (bash scripts that read the variables a rank gets) under the launcher. */
class RankLauncherTest {
    @TempDir Path tmp;

    /** What a launch returned and printed. */
    private record Launch(int code, String out, String err, Duration took) {}

    private static Launch launch(int ranks, Duration grace, String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = new RankLauncher(List.of("bash", "-c", script), ranks, outStream, errStream, grace).run();
        }
        return new Launch(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** A script line that records the rank's pid in tmp, so the test can check the rank is gone afterwards. */
    private String recordPid() {
        return "echo $$ > " + tmp + "/rank$RANK.pid; ";
    }

    private void assertNoRankAlive(int ranks) throws IOException {
        for (int rank = 0; rank < ranks; rank++) {
            long pid = Long.parseLong(Files.readString(tmp.resolve("rank" + rank + ".pid")).strip());
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            assertFalse(handle.isPresent() && handle.get().isAlive(), "rank " + rank + " (pid " + pid + ") still runs");
        }
    }

    @Test
    void everyRankGetsTorchrunsVariablesAndAllSucceeding() {
        Launch launch = launch(3, RankLauncher.DEFAULT_STOP_GRACE,
                "echo \"rank=$RANK local=$LOCAL_RANK world=$WORLD_SIZE master=$MASTER_ADDR:$MASTER_PORT\"; echo warning >&2");
        assertEquals(0, launch.code(), launch.err());
        Pattern line = Pattern.compile("\\[rank (\\d)] rank=(\\d) local=(\\d) world=3 master=127\\.0\\.0\\.1:(\\d+)");
        Set<String> ports = new HashSet<>();
        List<String> lines = launch.out().lines().sorted().toList();
        assertEquals(3, lines.size(), launch.out());
        for (int rank = 0; rank < 3; rank++) {
            Matcher m = line.matcher(lines.get(rank));
            assertTrue(m.matches(), lines.get(rank));
            assertEquals(List.of(String.valueOf(rank), String.valueOf(rank), String.valueOf(rank)),
                    List.of(m.group(1), m.group(2), m.group(3)));
            ports.add(m.group(4));
        }
        assertEquals(1, ports.size(), "one rendezvous port for all ranks");
        int port = Integer.parseInt(ports.iterator().next());
        assertTrue(port >= 1 && port <= 65535);
        assertEquals(List.of("[rank 0] warning", "[rank 1] warning", "[rank 2] warning"), launch.err().lines().sorted().toList());
    }

    @Test
    void aRankExitingWithAnErrorStopsTheOthersAndGivesItsCode() throws IOException {
        Launch launch = launch(3, RankLauncher.DEFAULT_STOP_GRACE,
                recordPid() + "if [ $RANK = 1 ]; then sleep 0.5; echo failing >&2; exit 3; fi; exec sleep 60");
        assertEquals(3, launch.code());
        Matcher verdict = Pattern.compile("sqlrl: rank 1 \\(pid (\\d+)\\) exited with code 3; stopping the other ranks")
                .matcher(launch.err().lines().toList().getLast());
        assertTrue(verdict.matches(), launch.err());
        assertEquals(Files.readString(tmp.resolve("rank1.pid")).strip(), verdict.group(1));
        assertTrue(launch.err().indexOf("[rank 1] failing") < launch.err().indexOf("sqlrl: rank 1"),
                "the rank's last words come before the verdict");
        assertTrue(launch.took().compareTo(Duration.ofSeconds(30)) < 0, "the sleeping ranks were stopped: " + launch.took());
        assertNoRankAlive(3);
    }

    @Test
    void aRankKilledBySignalNineIsNamedWithTheSignal() throws IOException {
        Launch launch = launch(3, RankLauncher.DEFAULT_STOP_GRACE,
                recordPid() + "if [ $RANK = 2 ]; then sleep 0.5; kill -9 $$; fi; exec sleep 60");
        assertEquals(137, launch.code(), "128 + 9, as a shell reports it");
        assertTrue(launch.err().strip().matches(
                "sqlrl: rank 2 \\(pid \\d+\\) was killed by signal 9 \\(SIGKILL\\); stopping the other ranks"), launch.err());
        assertTrue(launch.took().compareTo(Duration.ofSeconds(30)) < 0, launch.took().toString());
        assertNoRankAlive(3);
    }

    @Test
    void aRankIgnoringSigtermIsKilledAfterTheGrace() throws IOException {
        Launch launch = launch(2, Duration.ofMillis(500),
                recordPid() + "if [ $RANK = 0 ]; then sleep 0.5; exit 1; fi; trap '' TERM; sleep 60");
        assertEquals(1, launch.code());
        assertTrue(launch.took().compareTo(Duration.ofSeconds(30)) < 0, launch.took().toString());
        assertNoRankAlive(2);
    }

    @Test
    void linesOfSeveralRanksAreNeitherLostNorMixed() {
        int lines = 3000;
        String payload = "x".repeat(200);
        Launch launch = launch(4, RankLauncher.DEFAULT_STOP_GRACE,
                "for i in $(seq 1 " + lines + "); do echo \"line $RANK $i " + payload + "\"; done; printf 'last %s' $RANK");
        assertEquals(0, launch.code(), launch.err());
        Pattern line = Pattern.compile("\\[rank (\\d)] line (\\d) (\\d+) " + payload);
        int[] next = {1, 1, 1, 1};
        for (String printed : launch.out().lines().toList()) {
            if (printed.matches("\\[rank (\\d)] last \\1")) continue;
            Matcher m = line.matcher(printed);
            assertTrue(m.matches(), "a mixed or cut line: " + printed);
            int rank = Integer.parseInt(m.group(1));
            assertEquals(m.group(1), m.group(2));
            assertEquals(next[rank]++, Integer.parseInt(m.group(3)), "rank " + rank + "'s lines in order, none lost");
        }
        for (int rank = 0; rank < 4; rank++) {
            assertEquals(lines + 1, next[rank], "every line of rank " + rank);
            assertTrue(launch.out().contains("[rank " + rank + "] last " + rank + "\n"), "a last line without newline");
        }
    }
}
