package dev.sqlrl.cli;

import picocli.CommandLine.Option;

/** The sampling filters of the commands that sample (generate, bench sample): temperature, top-p, top-k. */
public final class SamplingOptions {
    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T",
            description = "Sampling temperature: logits are divided by it (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P",
            description = "Nucleus sampling: sample from the smallest set of tokens whose probability reaches P; 1.0 is off "
                    + "(default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K",
            description = "Sample from the K most likely tokens only; 0 is off (default: ${DEFAULT-VALUE}).")
    int topK;
}
