package dev.sqlrl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code sqlrl bench sample|train-step|grpo-step}: throughput of random-weight models of named shapes. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl bench sample --shape qwen2.5-0.5b --device cuda --json"},
        name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks on random-weight models of named shapes (no model files).",
        subcommands = {BenchSampleCommand.class, BenchTrainStepCommand.class, BenchGrpoStepCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
