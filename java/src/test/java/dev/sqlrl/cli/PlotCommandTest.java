package dev.sqlrl.cli;

import static dev.sqlrl.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.cli.CliRun.Result;
import dev.sqlrl.train.run.MetricsLog;
import dev.sqlrl.train.run.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotCommandTest {
    @TempDir
    Path temp;

    private RunFolder runWithMetrics() {
        RunFolder folder = RunFolder.create(temp.resolve("run"));
        try (MetricsLog log = MetricsLog.open(folder.metricsFile(), -1)) {
            for (long step = 1; step <= 5; step++) {
                log.write(Map.of("step", step, "stage", "grpo", "loss", 0.1 * step, "reward", 0.2 * step));
            }
            log.write(Map.of("step", 5L, "stage", "eval", "eval/ex", 0.4));
        }
        return folder;
    }

    @Test
    void rendersIntoThePlotsFolderAndPrintsEachPath() throws Exception {
        RunFolder folder = runWithMetrics();
        Result run = run("plot", "--run", folder.dir().toString());
        assertEquals(0, run.code(), run.err());
        List<String> printed = run.out().lines().toList();
        assertEquals(List.of(folder.plotsDir().resolve("reward.png").toString(), folder.plotsDir().resolve("ex.png").toString(),
                folder.plotsDir().resolve("loss.png").toString()), printed);
        for (String png : printed) {
            assertTrue(Files.size(Path.of(png)) > 5_000, png);
        }
    }

    @Test
    void outChoosesAnotherFolder() {
        RunFolder folder = runWithMetrics();
        Path out = temp.resolve("elsewhere/charts");
        Result run = run("plot", "--run", folder.dir().toString(), "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith(out.resolve("reward.png").toString()), run.out());
        assertTrue(Files.exists(out.resolve("loss.png")));
    }

    @Test
    void missingRunIsAOneLineError() {
        Path missing = temp.resolve("nope");
        Result run = run("plot", "--run", missing.toString());
        assertEquals(2, run.code());
        assertEquals("sqlrl: run folder " + missing + " does not exist\n", run.err());
    }

    @Test
    void runWithoutMetricsIsAOneLineError() {
        RunFolder folder = RunFolder.create(temp.resolve("fresh"));
        Result run = run("plot", "--run", folder.dir().toString());
        assertEquals(2, run.code());
        assertEquals("sqlrl: " + folder.dir() + " has no metrics.jsonl yet: the run has not logged a step\n", run.err());
    }

    @Test
    void emptyOrMalformedMetricsAreOneLineErrors() throws Exception {
        RunFolder folder = RunFolder.create(temp.resolve("broken"));
        Files.writeString(folder.metricsFile(), "");
        Result empty = run("plot", "--run", folder.dir().toString());
        assertEquals(2, empty.code());
        assertEquals("sqlrl: " + folder.metricsFile() + " holds no metrics yet\n", empty.err());

        Files.writeString(folder.metricsFile(), "{\"step\":1,\"stage\":\"grpo\",\"loss\":0.5}\n{oops}\n");
        Result malformed = run("plot", "--run", folder.dir().toString());
        assertEquals(2, malformed.code());
        assertTrue(malformed.err().startsWith("sqlrl: " + folder.metricsFile() + ":2: not a JSON object"), malformed.err());
        assertEquals(1, malformed.err().lines().count());

        Files.writeString(folder.metricsFile(), "{\"step\":1,\"stage\":\"grpo\",\"custom\":0.5}\n");
        Result nothingCharted = run("plot", "--run", folder.dir().toString());
        assertEquals(2, nothingCharted.code());
        assertTrue(nothingCharted.err().contains("has none of the charted metrics"), nothingCharted.err());
    }
}
