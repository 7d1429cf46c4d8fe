package dev.sqlrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.cli.CliRun.Result;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `sqlrl train ... --nproc-per-node N`: what it refuses, and that it becomes the launcher of N copies of itself. */
class TrainLaunchTest {
    /** Runs `train sft ARGS` as Main does, with {@code env} as the process environment the command reads. */
    private static Result runWithEnvironment(Map<String, String> env, String... args) {
        CommandLine commandLine = Main.commandLine();
        TrainCommand.StageCommand sft = commandLine.getSubcommands().get("train").getSubcommands().get("sft").getCommand();
        sft.environment = env;
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "train";
        all[1] = "sft";
        System.arraycopy(args, 0, all, 2, args.length);
        int code = commandLine.execute(all);
        return new Result(code, "", err.toString());
    }

    @Test
    void zeroRanksIsRefusedInOneLine() {
        Result run = CliRun.run("train", "sft", "--config", "configs/demo_cpu.yaml", "--nproc-per-node", "0");
        assertEquals(2, run.code());
        assertEquals("sqlrl: --nproc-per-node must be >= 1, got 0\n", run.err());
    }

    @Test
    void anOuterLauncherAndNprocPerNodeAreRefusedTogether() {
        Result run = runWithEnvironment(Map.of("WORLD_SIZE", "2", "RANK", "0"), "--nproc-per-node=4", "--config", "c.yaml");
        assertEquals(2, run.code());
        assertEquals("sqlrl: --nproc-per-node starts its own ranks; it cannot be combined with an outer launcher "
                + "(WORLD_SIZE=2 is set)\n", run.err());
    }

    @Test
    void aMalformedLauncherEnvironmentIsAOneLineError() {
        Result run = runWithEnvironment(Map.of("WORLD_SIZE", "2", "RANK", "2", "MASTER_ADDR", "h", "MASTER_PORT", "1"),
                "--config", "c.yaml");
        assertEquals(2, run.code());
        assertEquals("sqlrl: RANK must be in [0, WORLD_SIZE) = [0, 2), got RANK=2\n", run.err());
    }

    /**
     * Two real ranks of this command: each is `train sft` without --nproc-per-node (else each would refuse its
     * WORLD_SIZE), fails for want of --config, and the launcher names the rank and exits with its code.
     */
    @Test
    void severalRanksRunThisCommandWithoutTheOptionAndAFailureStopsThem() {
        Result run = CliRun.run("train", "sft", "--nproc-per-node", "2");
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().matches("(?s).*\\[rank [01]] sqlrl: give --config FILE .*"), run.err());
        // the other rank fails the same way on its own, so its last line may come after the launcher's
        assertTrue(run.err().lines().anyMatch(line -> line.matches(
                "sqlrl: rank [01] \\(pid \\d+\\) exited with code 2; stopping the other ranks")), run.err());
        assertFalse(run.err().contains("outer launcher"), run.err());
    }
}
