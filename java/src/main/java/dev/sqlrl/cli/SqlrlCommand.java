package dev.sqlrl.cli;

import picocli.CommandLine.Command;

/** The root command; each capability registers its subcommand here. */
@Command(
        footer = {"",
        "Example:",
        "  ./sqlrl demo",
        "  ./sqlrl train sft --config configs/sft_spider.yaml --model ~/models/qwen2.5-coder-1.5b --data ~/data/spider"},
        name = "sqlrl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Train language models to write SQL with reinforcement learning (GRPO on QLoRA).",
        subcommands = {
            InitModelCommand.class,
            GenerateCommand.class,
            LogprobsCommand.class,
            EvalSqlCommand.class,
            SqlCommand.class,
            DataCommand.class,
            TrainCommand.class,
            DemoCommand.class,
            EvalCommand.class,
            MergeCommand.class,
            PlotCommand.class,
            BenchCommand.class,
        })
public final class SqlrlCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
