package dev.sqlrl.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a fresh machine ./sqlrl and ./run-tests install the build tools they lack themselves (scripts/env.sh): through
 * apt-get, with sudo when not root, saying what and why; where that cannot be done they print the command instead.
 * Run against a PATH of stand-ins (apt-get, sudo, id) that record how they were called, so nothing is installed.
 */
class BuildToolsInstallTest {
    @TempDir
    Path bin;

    private void standIn(String name, String script) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/bash\n" + script + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Run(int code, String err, List<String> calls) {}

    private Run ensureTools(String env) throws Exception {
        for (String tool : List.of("bash", "dirname", "cat", "sed", "env")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin").resolve(tool).toRealPath());
        }
        Path calls = bin.resolve("calls.log");
        Files.writeString(calls, "");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", env + " . '" + Path.of(System.getProperty("sqlrl.repo.dir", "..")).resolve("scripts/env.sh").toAbsolutePath()
                + "'; Torch_DIR= CMAKE_PREFIX_PATH= SQLRL_TORCH_CONFIG=/nonexistent sqlrl_ensure_tools")
                .redirectErrorStream(false);
        pb.environment().put("PATH", bin.toString());
        pb.environment().put("CALLS", calls.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(p.exitValue(), err, Files.readAllLines(calls));
    }

    @Test
    void aNonRootUserGetsTheMissingToolsThroughSudoAndIsToldWhy() throws Exception {
        standIn("id", "echo 1000");
        standIn("sudo", "echo \"sudo $*\" >> \"$CALLS\"; env \"$@\"");
        standIn("apt-get", "echo \"apt-get $*\" >> \"$CALLS\"");
        Run run = ensureTools("");
        assertEquals(0, run.code(), run.err());
        assertEquals(List.of("sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq", "apt-get update -qq",
                "sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven cmake g++ libtorch-dev",
                "apt-get install -y -qq maven cmake g++ libtorch-dev"), run.calls());
        assertTrue(run.err().contains("installing maven cmake g++ libtorch-dev with apt-get")
                && run.err().contains("libtorch"), run.err());
    }

    @Test
    void withoutApt_orWhenAskedNotTo_itPrintsTheInstallCommandAndFails() throws Exception {
        standIn("id", "echo 0");
        Run run = ensureTools("");
        assertEquals(1, run.code());
        assertTrue(run.err().contains("apt-get install -y maven cmake g++ libtorch-dev")
                && run.err().contains("has no apt-get"), run.err());
        assertEquals(List.of(), run.calls());
    }

    @Test
    void sqlrlNoInstallPrintsTheCommandInsteadOfInstalling() throws Exception {
        standIn("id", "echo 0");
        standIn("apt-get", "echo \"apt-get $*\" >> \"$CALLS\"");
        Run run = ensureTools("export SQLRL_NO_INSTALL=1;");
        assertEquals(1, run.code());
        assertTrue(run.err().contains("sudo apt-get install -y maven cmake g++ libtorch-dev"), run.err());
        assertEquals(List.of(), run.calls());
    }
}
