package dev.sqlrl.cli;

import dev.sqlrl.model.merge.AdapterMerger;
import dev.sqlrl.model.merge.MergeSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `sqlrl merge`: folds a LoRA adapter into its base model, giving a plain Hugging Face folder. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl merge --model ~/models/qwen2.5-coder-1.5b --adapter runs/x/checkpoints/step-000400/adapter --out ~/models/qwen-sql-merged"},
        name = "merge", mixinStandardHelpOptions = true,
        description = {
            "Merges a PEFT LoRA adapter into its base model: W' = W + (alpha / r) * B @ A for every adapted module,"
                    + " in the base checkpoint's dtype. The output folder loads in transformers (and sqlrl) without the adapter.",
            "The output folder must not exist or be empty; it appears only when complete."
        })
public final class MergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face base model folder.")
    Path model;

    @Option(names = "--adapter", required = true, paramLabel = "DIR", description = "PEFT LoRA adapter folder.")
    Path adapter;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the merged model.")
    Path out;

    @Override
    public Integer call() {
        MergeSummary summary = AdapterMerger.merge(model, adapter, out);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("merged " + summary.mergedWeights().size() + " adapted weights; copied "
                + summary.copiedTensors() + " other tensors unchanged");
        for (Path file : summary.weightFiles()) stdout.println("weights: " + file);
        for (Path file : summary.otherFiles()) stdout.println("copied:  " + file);
        stdout.println("merged model: " + summary.outDir());
        stdout.flush();
        return 0;
    }
}
