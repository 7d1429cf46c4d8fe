package dev.sqlrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.train.run.MetricsLog;
import dev.sqlrl.train.run.RunFolder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PlotCommandTest {
    @TempDir
    Path temp;

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SqlrlCommand()).setExecutionExceptionHandler(new UserErrorHandler());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

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
        Run run = run("plot", "--run", folder.dir().toString());
        assertEquals(0, run.exitCode(), run.err());
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
        Run run = run("plot", "--run", folder.dir().toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith(out.resolve("reward.png").toString()), run.out());
        assertTrue(Files.exists(out.resolve("loss.png")));
    }

    @Test
    void missingRunIsAOneLineError() {
        Path missing = temp.resolve("nope");
        Run run = run("plot", "--run", missing.toString());
        assertEquals(2, run.exitCode());
        assertEquals("sqlrl: run folder " + missing + " does not exist\n", run.err());
    }

    @Test
    void runWithoutMetricsIsAOneLineError() {
        RunFolder folder = RunFolder.create(temp.resolve("fresh"));
        Run run = run("plot", "--run", folder.dir().toString());
        assertEquals(2, run.exitCode());
        assertEquals("sqlrl: " + folder.dir() + " has no metrics.jsonl yet: the run has not logged a step\n", run.err());
    }

    @Test
    void emptyOrMalformedMetricsAreOneLineErrors() throws Exception {
        RunFolder folder = RunFolder.create(temp.resolve("broken"));
        Files.writeString(folder.metricsFile(), "");
        Run empty = run("plot", "--run", folder.dir().toString());
        assertEquals(2, empty.exitCode());
        assertEquals("sqlrl: " + folder.metricsFile() + " holds no metrics yet\n", empty.err());

        Files.writeString(folder.metricsFile(), "{\"step\":1,\"stage\":\"grpo\",\"loss\":0.5}\n{oops}\n");
        Run malformed = run("plot", "--run", folder.dir().toString());
        assertEquals(2, malformed.exitCode());
        assertTrue(malformed.err().startsWith("sqlrl: " + folder.metricsFile() + ":2: not a JSON object"), malformed.err());
        assertEquals(1, malformed.err().lines().count());

        Files.writeString(folder.metricsFile(), "{\"step\":1,\"stage\":\"grpo\",\"custom\":0.5}\n");
        Run nothingCharted = run("plot", "--run", folder.dir().toString());
        assertEquals(2, nothingCharted.exitCode());
        assertTrue(nothingCharted.err().contains("has none of the charted metrics"), nothingCharted.err());
    }
}
