package dev.sqlrl.cli;

import dev.sqlrl.UserInputException;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.eval.FilteredSplit;
import dev.sqlrl.eval.GeneratedSqlScorer;
import dev.sqlrl.eval.PassRateFilter;
import dev.sqlrl.generation.SqlGenerator;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import dev.sqlrl.train.PromptSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `sqlrl data filter`: a split without the questions the model answers always right or always wrong. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl data filter --model ~/models/qwen2.5-coder-1.5b --adapter runs/x/sft/checkpoints/step-000400/adapter "
                + "--data ~/data/spider --split train --k 8 --out ~/data/spider-grpo"},
        name = "filter", mixinStandardHelpOptions = true,
        description = {"Samples K answers to every question of a split, scores each by execution as eval does, and writes "
                + "the split without the questions whose pass rate is at or below --drop-at-or-below (always wrong) or at "
                + "or above --drop-at-or-above (always right): their GRPO groups would all get one reward, so no gradient.",
                "Writes into --out: SPLIT.jsonl (sqlrl's JSONL layout, absolute db_path), pass_rates.jsonl, "
                        + "filter_report.json and filter_report.md (counts by pass rate and by Spider hardness)."})
public final class DataFilterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    PromptSettingsOptions promptOptions;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Dataset folder (Spider, BIRD or <split>.jsonl layout) or a .jsonl file.")
    Path data;

    @Option(names = "--split", defaultValue = "train", paramLabel = "NAME", description = "Split to filter (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the filtered split and the report.")
    Path out;

    @Option(names = "--k", defaultValue = "8", paramLabel = "K",
            description = "Answers sampled per question, as a GRPO group would (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T",
            description = "Sampling temperature; GRPO's own makes the pass rate the one training sees (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--drop-at-or-below", defaultValue = "0.0", paramLabel = "RATE",
            description = "Drop questions whose pass rate is at most this (default: ${DEFAULT-VALUE}: the never-right ones).")
    double dropLow;

    @Option(names = "--drop-at-or-above", defaultValue = "1.0", paramLabel = "RATE",
            description = "Drop questions whose pass rate is at least this (default: ${DEFAULT-VALUE}: the always-right ones).")
    double dropHigh;

    @Option(names = "--max-examples", defaultValue = "0", paramLabel = "N",
            description = "Filter the first N examples of the split (0: all; default: ${DEFAULT-VALUE}).")
    int maxExamples;

    @Option(names = "--batch-prompts", defaultValue = "4", paramLabel = "N",
            description = "Questions generated together, K samples each (default: ${DEFAULT-VALUE}).")
    int batchPrompts;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sql-threads", paramLabel = "N", description = "Threads that run SQL (default: CPU cores).")
    int sqlThreads = Math.max(1, Runtime.getRuntime().availableProcessors());

    @Override
    public Integer call() {
        if (k < 2) throw new UserInputException("--k must be at least 2 (one answer has no pass rate), got " + k);
        if (!(temperature > 0)) throw new UserInputException("--temperature must be above 0, got " + temperature);
        if (maxExamples < 0) throw new UserInputException("--max-examples must be 0 (all) or more, got " + maxExamples);
        if (batchPrompts < 1) throw new UserInputException("--batch-prompts must be at least 1, got " + batchPrompts);
        if (sqlThreads < 1) throw new UserInputException("--sql-threads must be at least 1, got " + sqlThreads);
        PassRateFilter.Thresholds thresholds;
        try {
            thresholds = new PassRateFilter.Thresholds(dropLow, dropHigh);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--drop-at-or-below / --drop-at-or-above: " + e.getMessage());
        }
        promptOptions.check();
        Dataset dataset = DatasetLoader.load(data, split, new DatasetLoader.Options(maxExamples, false));
        if (dataset.examples().isEmpty()) throw new UserInputException(data + ": split '" + split + "' has no examples");
        PromptSettings settings = promptOptions.resolve(modelOptions.adapter);
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        PassRateFilter.Measured measured;
        try (NativeModel model = modelOptions.load();
             TextTokenizer tokenizer = TextTokenizer.load(modelOptions.model, model.config().vocabSize());
             GeneratedSqlScorer scorer = new GeneratedSqlScorer(sqlThreads)) {
            PromptBuilder prompts = settings.builder(settings.chatTemplate(modelOptions.model, tokenizer, model.config().eosTokenIds()));
            SqlGenerator generator = new SqlGenerator(model, tokenizer, prompts, settings.prompt().maxPromptTokens(), batchPrompts,
                    (done, total, tokens) -> {
                        err.printf(Locale.ROOT, "filter: %d/%d questions, %d tokens generated, %.0f s%n", done, total, tokens,
                                (System.nanoTime() - start) / 1e9);
                        err.flush();
                    });
            measured = PassRateFilter.measure(generator, scorer, dataset, dataset.examples(), k, temperature, seed,
                    settings.maxNewTokens(), modelOptions.adapter != null);
        }
        Map<String, String> run = new LinkedHashMap<>();
        run.put("model", modelOptions.model.toString());
        run.put("adapter", modelOptions.adapter == null ? "none" : modelOptions.adapter.toString());
        run.put("data", data + " (split " + split + ")");
        run.put("samples per question", Integer.toString(k));
        run.put("temperature", Double.toString(temperature));
        run.put("seed", Long.toString(seed));
        run.putAll(settings.describe());
        run.put("wall time", String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9));
        FilteredSplit.Counts counts = FilteredSplit.write(out, split, measured, thresholds, run);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "kept %d of %d questions (dropped %d at or below %.2f, %d at or above %.2f; %d with a "
                        + "prompt too long left out)%n", counts.kept(), counts.measured(), counts.droppedLow(), dropLow,
                counts.droppedHigh(), dropHigh, counts.skippedTooLong());
        stdout.println("split:  " + out.resolve(split + ".jsonl"));
        stdout.println("report: " + out.resolve(FilteredSplit.REPORT_MD));
        stdout.flush();
        return 0;
    }
}
