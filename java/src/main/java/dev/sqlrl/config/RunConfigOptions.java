package dev.sqlrl.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The command-line options that choose a run configuration, for commands that train or evaluate:
 * add with {@code @Mixin RunConfigOptions config;} and call {@link #load()}.
 */
public final class RunConfigOptions {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "Run configuration (YAML; see configs/README.md for every key).")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. --set grpo.beta=0.04 (repeatable; later ones win).")
    List<String> overrides = new ArrayList<>();

    /** The validated configuration; errors are {@link dev.sqlrl.UserInputException}s naming the file and keys. */
    public RunConfig load() {
        return RunConfigs.load(file, overrides);
    }

    public Path file() {
        return file;
    }

    public List<String> overrides() {
        return List.copyOf(overrides);
    }
}
