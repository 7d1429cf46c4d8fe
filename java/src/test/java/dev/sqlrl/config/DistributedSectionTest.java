package dev.sqlrl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sqlrl.UserInputException;
import dev.sqlrl.model.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistributedSectionTest {
    private static final String PATHS = "model:\n  path: m\n  device: cpu\ndata:\n  path: d\n";

    @TempDir Path tmp;

    private RunConfig parse(String yaml, String... overrides) {
        return RunConfigs.parse(yaml, "run.yaml", tmp, List.of(overrides));
    }

    @Test
    void defaultsAreAutoAndTenMinutes() {
        DistributedSection defaults = DistributedSection.defaults();
        assertEquals(DistributedBackend.AUTO, defaults.backend());
        assertEquals(600, defaults.timeoutSeconds());
    }

    @Test
    void autoFollowsTheModelDevice() {
        assertEquals(DistributedBackend.GLOO, DistributedSection.defaults().backendFor(Device.CPU));
        assertEquals(DistributedBackend.NCCL, DistributedSection.defaults().backendFor(Device.CUDA));
    }

    @Test
    void anExplicitBackendIsKeptOnEitherDevice() {
        RunConfig gloo = parse(PATHS + "distributed:\n  backend: gloo\n", "model.device=cuda");
        assertEquals(DistributedBackend.GLOO, gloo.distributed().backendFor(gloo.model().device()));
        RunConfig nccl = parse(PATHS, "model.device=cuda", "distributed.backend=nccl", "distributed.timeout_seconds=30");
        assertEquals(new DistributedSection(DistributedBackend.NCCL, 30), nccl.distributed());
    }

    /** A run folder saved before the section existed still resumes: its config loads with the defaults. */
    @Test
    void aSavedConfigWithoutTheSectionLoadsWithTheDefaults() throws IOException {
        Path saved = tmp.resolve("config.yaml");
        Files.writeString(saved, RunConfigs.toYaml(parse(PATHS)).replaceAll("(?s)distributed:.*?(?=\\n\\S|$)", ""));
        assertEquals(-1, Files.readString(saved).indexOf("distributed"));
        assertEquals(DistributedSection.defaults(), RunConfigs.load(saved, List.of()).distributed());
    }

    @Test
    void ncclOnTheCpuIsRefusedAtLoad() {
        var e = assertThrows(UserInputException.class, () -> parse(PATHS + "distributed:\n  backend: nccl\n"));
        assertEquals("run.yaml: distributed.backend: nccl needs model.device cuda, not cpu; use gloo or auto", e.getMessage());
    }

    @Test
    void aTimeoutBelowOneSecondIsRefused() {
        var e = assertThrows(UserInputException.class, () -> parse(PATHS + "distributed:\n  timeout_seconds: 0\n"));
        assertEquals("run.yaml: distributed.timeout_seconds: 0 is out of range; allowed: >= 1", e.getMessage());
    }
}
