package dev.sqlrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.dist.SelfCommand;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.train.AdapterFiles;
import dev.sqlrl.train.TinyTrainingSetup;
import dev.sqlrl.train.run.MetricsLog;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training through real processes and libtorch's c10d (Gloo on loopback): `--nproc-per-node 2` trains
 * what one process trains, and a rank killed with SIGKILL stops the other within distributed.timeout_seconds with a
 * one-line error naming it, leaving a run that resumes from its last complete checkpoint.
 */
class DataParallelLaunchTest {
    @TempDir
    static Path dir;
    private static TinyTrainingSetup setup;

    @BeforeAll
    static void setUp() {
        NativeTests.assumeNative();
        setup = TinyTrainingSetup.create(dir);
    }

    @Test
    void sftAndGrpoOnTwoProcessesTrainWhatOneProcessTrains() throws IOException {
        Path sftConfig = config("sft.yaml", "sft.max_steps=20", "sft.micro_batch_size=2", "sft.grad_accumulation=3",
                "sft.eval_every=10", "eval.max_examples=6", "eval.max_new_tokens=8", "lora.dropout=0.0");
        CliRun.Result one = CliRun.run("train", "sft", "--config", sftConfig.toString(), "--out", dir.resolve("sft-1").toString());
        assertEquals(0, one.code(), one.err());
        CliRun.Result two = CliRun.run("train", "sft", "--config", sftConfig.toString(), "--out",
                dir.resolve("sft-2").toString(), "--nproc-per-node", "2");
        assertEquals(0, two.code(), two.err());
        assertTrue(two.err().contains("[rank 1] "), "rank 1's output is prefixed: " + two.err());
        assertSameAdapters(dir.resolve("sft-1/checkpoints/step-000020/adapter"),
                dir.resolve("sft-2/checkpoints/step-000020/adapter"));
        assertSameMetrics(dir.resolve("sft-1"), dir.resolve("sft-2"), "sft", List.of("loss", "grad_norm"));

        Path grpoConfig = config("grpo.yaml", "grpo.steps=20", "grpo.prompts_per_step=3", "grpo.num_generations=2",
                "grpo.micro_batch_size=2", "grpo.grad_accumulation=3", "grpo.max_completion_length=12",
                "eval.every_n_steps=0", "eval.max_examples=3", "eval.max_new_tokens=8", "lora.dropout=0.0");
        String adapter = dir.resolve("sft-1/checkpoints/step-000020/adapter").toString();
        one = CliRun.run("train", "grpo", "--config", grpoConfig.toString(), "--adapter", adapter, "--out",
                dir.resolve("grpo-1").toString());
        assertEquals(0, one.code(), one.err());
        two = CliRun.run("train", "grpo", "--config", grpoConfig.toString(), "--adapter", adapter, "--out",
                dir.resolve("grpo-2").toString(), "--nproc-per-node", "2");
        assertEquals(0, two.code(), two.err());
        assertSameAdapters(dir.resolve("grpo-1/checkpoints/step-000020/adapter"),
                dir.resolve("grpo-2/checkpoints/step-000020/adapter"));
        assertSameMetrics(dir.resolve("grpo-1"), dir.resolve("grpo-2"), "grpo",
                List.of("loss", "reward", "reward_std", "kl", "entropy", "grad_norm"));
    }

    /** Two ranks started as torchrun starts them (each with its own environment), the second killed with SIGKILL. */
    @Test
    void aKilledRankStopsTheOtherWithItsNameAndTheRunResumes() throws Exception {
        Path config = config("kill.yaml", "grpo.steps=30", "grpo.prompts_per_step=2", "grpo.num_generations=2",
                "grpo.micro_batch_size=2", "grpo.grad_accumulation=1", "grpo.max_completion_length=12",
                "eval.every_n_steps=0", "eval.max_examples=2", "eval.max_new_tokens=8", "checkpoint.every_n_steps=1",
                "distributed.timeout_seconds=30");
        Path runDir = dir.resolve("killed");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<Process> ranks = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            ProcessBuilder builder = new ProcessBuilder(SelfCommand.of(Main.class.getName(), List.of("train", "grpo",
                    "--config", config.toString(), "--out", runDir.toString())));
            builder.environment().put("RANK", Integer.toString(rank));
            builder.environment().put("LOCAL_RANK", Integer.toString(rank));
            builder.environment().put("WORLD_SIZE", "2");
            builder.environment().put("MASTER_ADDR", "127.0.0.1");
            builder.environment().put("MASTER_PORT", Integer.toString(port));
            builder.redirectErrorStream(true).redirectOutput(dir.resolve("rank" + rank + ".log").toFile());
            ranks.add(builder.start());
        }
        // kill rank 1 once rank 0 has a complete checkpoint, in the middle of the run
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.isDirectory(runDir.resolve("checkpoints/step-000003")) && System.nanoTime() < deadline) {
            assertTrue(ranks.get(0).isAlive(), "rank 0 ended early: " + log(0));
            Thread.sleep(100);
        }
        ranks.get(1).destroyForcibly();  // SIGKILL
        long killed = System.nanoTime();
        assertTrue(ranks.get(0).waitFor(45, TimeUnit.SECONDS), "rank 0 still runs 45 s after rank 1 was killed");
        double seconds = (System.nanoTime() - killed) / 1e9;
        assertEquals(1, ranks.get(0).exitValue(), log(0));
        String last = log(0).strip().lines().toList().getLast();
        assertTrue(last.matches("sqlrl: rank 0 of 2: the .* failed: .* \\(rank 1 stopped or is unreachable\\)"), last);
        assertTrue(seconds < 35, "rank 0 took " + seconds + " s to stop");

        CliRun.Result resumed = CliRun.run("train", "grpo", "--resume", runDir.toString(), "--nproc-per-node", "2");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming after step"), resumed.err());
        assertTrue(Files.isDirectory(runDir.resolve("checkpoints/step-000030")), "the run reached its last step");
    }

    private static String log(int rank) throws IOException {
        return Files.readString(dir.resolve("rank" + rank + ".log"), StandardCharsets.UTF_8);
    }

    /** The demo config pointed at the tiny setup, with `overrides`, written to a YAML file. */
    private static Path config(String name, String... overrides) throws IOException {
        StringBuilder yaml = new StringBuilder();
        var config = setup.config(overrides);
        yaml.append(dev.sqlrl.config.RunConfigs.toYaml(config));
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    /** Each step's `keys` in both runs' metrics.jsonl, equal within rounding. */
    private static void assertSameMetrics(Path one, Path two, String stage, List<String> keys) {
        var a = MetricsLog.read(one.resolve("metrics.jsonl")).stream().filter(r -> stage.equals(r.get("stage"))).toList();
        var b = MetricsLog.read(two.resolve("metrics.jsonl")).stream().filter(r -> stage.equals(r.get("stage"))).toList();
        assertEquals(a.size(), b.size(), stage + " steps");
        assertTrue(a.size() > 0);
        for (int i = 0; i < a.size(); i++) {
            for (String key : keys) {
                Object x = a.get(i).get(key), y = b.get(i).get(key);
                if (x == null && y == null) continue;  // a metric the config does not produce (kl without beta)
                double p = ((Number) x).doubleValue(), q = ((Number) y).doubleValue();
                assertEquals(p, q, 1e-6 * Math.max(1, Math.abs(p)), stage + " step " + (i + 1) + " " + key);
            }
        }
    }

    private static void assertSameAdapters(Path a, Path b) {
        AdapterFiles.assertClose(a, b, 1e-5);
    }
}
