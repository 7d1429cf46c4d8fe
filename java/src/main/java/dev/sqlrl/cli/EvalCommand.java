package dev.sqlrl.cli;

import dev.sqlrl.UserInputException;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.eval.EvaluationFiles;
import dev.sqlrl.eval.OfficialSqlFiles;
import dev.sqlrl.eval.EvaluationReport;
import dev.sqlrl.eval.ModelEvaluator;
import dev.sqlrl.generation.SqlGenerator;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.train.PromptSettings;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `sqlrl eval`: the model writes SQL for a split's questions; EX, EM and hardness of its answers. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl eval --model runs/demo-X/model --adapter runs/demo-X/grpo/checkpoints/step-000100/adapter --data runs/demo-X/data --split dev"},
        name = "eval", mixinStandardHelpOptions = true,
        description = {
            "Evaluates a model (optionally with a LoRA adapter) on a dataset split: it writes the SQL of each question,"
                    + " which is run and scored like eval-sql does (execution accuracy, exact set match, by hardness).",
            "Writes predictions.jsonl (eval-sql's input), results.jsonl and report.md into --out."
        })
public final class EvalCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    PromptSettingsOptions promptOptions;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Dataset folder (Spider, BIRD or <split>.jsonl layout) or a .jsonl file.")
    Path data;

    @Option(names = "--split", defaultValue = "dev", paramLabel = "NAME", description = "Split to evaluate (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--vote", defaultValue = "1", paramLabel = "K",
            description = "1: greedy decoding; K > 1: K samples at temperature " + ModelEvaluator.VOTE_TEMPERATURE
                    + " voted by execution result (default: ${DEFAULT-VALUE}).")
    int vote;

    @Option(names = "--rves",
            description = "BIRD data: also measure BIRD mini-dev's R-VES, as its evaluation_ves.py: every correct prediction "
                    + "and its gold query run " + dev.sqlrl.eval.BirdRves.ITERATIONS + " times each (slow on large "
                    + "databases; default: off; Soft-F1 is always reported for BIRD data).")
    boolean rves;

    @Option(names = "--max-examples", defaultValue = "0", paramLabel = "N",
            description = "Evaluate the first N examples of the split (0: all; default: ${DEFAULT-VALUE}); only their "
                    + "databases need to exist.")
    int maxExamples;

    @Option(names = "--skip-missing-databases",
            description = "Leave out the examples whose database file is missing (counted and listed in the report) "
                    + "instead of stopping.")
    boolean skipMissingDatabases;

    @Option(names = "--batch-prompts", defaultValue = "8", paramLabel = "N",
            description = "Prompts generated together (default: ${DEFAULT-VALUE}).")
    int batchPrompts;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed for --vote > 1 (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sql-threads", paramLabel = "N", description = "Threads that run SQL (default: CPU cores).")
    int sqlThreads = Math.max(1, Runtime.getRuntime().availableProcessors());

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: runs/eval-<model>[-<adapter>]-<split>-<time>).")
    Path out;

    @Override
    public Integer call() {
        checkOptions();
        Dataset dataset = DatasetLoader.load(data, split, new DatasetLoader.Options(maxExamples, skipMissingDatabases));
        List<Example> examples = dataset.examples();
        PrintWriter err = spec.commandLine().getErr();
        for (String missing : dataset.missingDatabases()) err.println("eval: left out (database missing): " + missing);
        if (examples.isEmpty()) throw new UserInputException(data + ": split '" + split + "' has no examples");
        PromptSettings settings = promptOptions.resolve(modelOptions.adapter);
        Path outDir = out != null ? out : defaultOutDir();
        long start = System.nanoTime();
        EvaluationReport report;
        int maxPrompt = settings.prompt().maxPromptTokens();
        try (NativeModel model = modelOptions.load();
             TextTokenizer tokenizer = TextTokenizer.load(modelOptions.model, model.config().vocabSize())) {
            PromptBuilder prompts = settings.builder(
                    settings.chatTemplate(modelOptions.model, tokenizer, model.config().eosTokenIds()));
            SqlGenerator generator = new SqlGenerator(model, tokenizer, prompts, maxPrompt, batchPrompts,
                    (done, total, tokens) -> {
                        double seconds = (System.nanoTime() - start) / 1e9;
                        err.printf(Locale.ROOT, "eval: %d/%d prompts, %d tokens generated, %.1f tokens/s%n", done, total,
                                tokens, tokens / Math.max(seconds, 1e-9));
                        err.flush();
                    });
            try (ModelEvaluator evaluator = new ModelEvaluator(generator, sqlThreads, rves)) {
                report = evaluator.evaluate(dataset, examples, vote, settings.maxNewTokens(), seed, modelOptions.adapter != null);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        EvaluationFiles.write(outDir, report, runSettings(settings, dataset, seconds));
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(report.summary().toText());
        stdout.printf(Locale.ROOT, "EX %.3f  EM %.3f  over %d examples", report.ex(), report.em(), report.results().size());
        if (report.skipped() > 0) {
            stdout.printf(Locale.ROOT, " (%d skipped: prompt longer than %d tokens)", report.skipped(), maxPrompt);
        }
        stdout.println();
        stdout.println("predictions: " + outDir.resolve(EvaluationFiles.PREDICTIONS));
        stdout.println("results:     " + outDir.resolve(EvaluationFiles.RESULTS));
        stdout.println("report:      " + outDir.resolve(EvaluationFiles.REPORT));
        stdout.println("official:    " + outDir.resolve(OfficialSqlFiles.GOLD) + ", " + outDir.resolve(OfficialSqlFiles.PRED)
                + " (the official Spider evaluator's format)");
        stdout.flush();
        return 0;
    }

    private void checkOptions() {
        if (vote < 1) throw new UserInputException("--vote must be at least 1, got " + vote);
        if (maxExamples < 0) throw new UserInputException("--max-examples must be 0 (all) or more, got " + maxExamples);
        promptOptions.check();
        if (batchPrompts < 1) throw new UserInputException("--batch-prompts must be at least 1, got " + batchPrompts);
        if (sqlThreads < 1) throw new UserInputException("--sql-threads must be at least 1, got " + sqlThreads);
    }

    private Path defaultOutDir() {
        String name = "eval-" + folderName(modelOptions.model)
                + (modelOptions.adapter != null ? "-" + folderName(modelOptions.adapter) : "")
                + "-" + split + "-" + LocalDateTime.now().format(STAMP);
        return Path.of("runs").resolve(name);
    }

    private static String folderName(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? "model" : name.toString();
    }

    private Map<String, String> runSettings(PromptSettings settings, Dataset dataset, double seconds) {
        Map<String, String> run = new LinkedHashMap<>();
        run.put("model", modelOptions.model.toString());
        run.put("adapter", modelOptions.adapter == null ? "none" : modelOptions.adapter.toString());
        run.put("weights", modelOptions.weights);
        run.put("data", data + " (split " + split + ")");
        if (!dataset.missingDatabases().isEmpty()) {
            run.put("left out, database missing", dataset.missingDatabases().size() + ": "
                    + String.join("; ", dataset.missingDatabases()));
        }
        run.putAll(settings.describe());
        run.put("decoding", vote == 1 ? "greedy" : "vote@" + vote + ", temperature " + ModelEvaluator.VOTE_TEMPERATURE
                + ", seed " + seed);
        run.put("batch prompts", Integer.toString(batchPrompts));
        run.put("wall time", String.format(Locale.ROOT, "%.1f s", seconds));
        return run;
    }
}
