package dev.sqlrl.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SelfCommandTest {
    @Test
    void dropsTheOptionWithItsValueInBothSpellings() {
        assertEquals(List.of("train", "grpo", "--config", "c.yaml", "--set", "grpo.beta=0"),
                SelfCommand.withoutOption(List.of("train", "grpo", "--nproc-per-node", "4", "--config", "c.yaml", "--set",
                        "grpo.beta=0"), "--nproc-per-node"));
        assertEquals(List.of("train", "sft", "--config", "c.yaml"),
                SelfCommand.withoutOption(List.of("train", "sft", "--config", "c.yaml", "--nproc-per-node=2"), "--nproc-per-node"));
    }

    @Test
    void keepsLookAlikesAndEverythingAfterTheEndOfOptions() {
        List<String> args = List.of("train", "sft", "--nproc-per-node-x", "1", "--", "--nproc-per-node", "2");
        assertEquals(args, SelfCommand.withoutOption(args, "--nproc-per-node"));
    }

    @Test
    void leavesOutADebuggerAgentThatEveryRankWouldOpenOnOnePort() {
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "-Xmx4g"), SelfCommand.jvmOptions(List.of(
                "--enable-native-access=ALL-UNNAMED", "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-Xmx4g")));
    }

    @Test
    void startsThisJvmsJavaWithItsClassPathAndTheMainClass() {
        List<String> command = SelfCommand.of("dev.sqlrl.cli.Main", List.of("train", "sft"));
        assertEquals(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), command.getFirst());
        int cp = command.indexOf("-cp");
        assertEquals(System.getProperty("java.class.path"), command.get(cp + 1));
        assertEquals(List.of("dev.sqlrl.cli.Main", "train", "sft"), command.subList(cp + 2, command.size()));
    }
}
