package dev.sqlrl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sqlrl.UserInputException;
import dev.sqlrl.data.ChatTemplate;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.DatasetStats;
import dev.sqlrl.data.DatasetStatsCalculator;
import dev.sqlrl.data.DatasetStatsText;
import dev.sqlrl.data.GoldQueryCheck;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.data.PromptTemplate;
import dev.sqlrl.data.PromptTokenCounter;
import dev.sqlrl.data.SchemaSerializer;
import dev.sqlrl.data.SpiderHardnessLabels;
import dev.sqlrl.DurableFiles;
import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.data.link.SchemaLinkEvaluation;
import dev.sqlrl.train.PromptSettings;
import dev.sqlrl.config.ValuesSection;
import dev.sqlrl.data.values.ValueIndex;
import dev.sqlrl.data.values.ValueIndexCache;
import dev.sqlrl.data.values.ValueRetriever;
import dev.sqlrl.sql.SandboxLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** `sqlrl data ...`: look at datasets before training on them. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl data stats --data ~/data/spider --split dev --tokenizer ~/models/qwen2.5-coder-1.5b",
        "  sqlrl data link --data ~/data/spider --split dev --out linked.jsonl"},
        name = "data", mixinStandardHelpOptions = true, description = "Inspect text-to-SQL datasets.",
        subcommands = {DataCommand.Stats.class, DataCommand.Link.class, DataFilterCommand.class})
public final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            footer = {"",
            "Example:",
            "  sqlrl data stats --data ~/data/spider --split dev --tokenizer ~/models/qwen2.5-coder-1.5b --values"},
            name = "stats", mixinStandardHelpOptions = true,
            description = "Counts, hardness, schema sizes, SQL length, joins/nesting and (with --tokenizer) prompt lengths of a split.")
    static final class Stats implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "DIR",
                description = "Dataset folder (Spider, BIRD or <split>.jsonl layout) or a .jsonl file.")
        Path data;

        @Option(names = "--split", defaultValue = "train", paramLabel = "NAME", description = "Split to read (default: ${DEFAULT-VALUE}).")
        String split;

        @Option(names = "--tokenizer", paramLabel = "DIR",
                description = "Model folder with tokenizer.json (and tokenizer_config.json for its chat template): adds prompt token "
                        + "lengths (default: none, no prompt lengths).")
        Path tokenizer;

        @Option(names = "--template", defaultValue = PromptTemplate.DEFAULT_ID, paramLabel = "ID",
                description = "Prompt template id or .txt file used for prompt lengths (default: ${DEFAULT-VALUE}).")
        String template;

        @Option(names = "--sample-values", defaultValue = "3", paramLabel = "N",
                description = "Sample values per column in the prompt's schema (default: ${DEFAULT-VALUE}).")
        int sampleValues;

        @Option(names = "--skip-missing-databases",
                description = "Leave out (and list) the examples whose database file is missing instead of stopping.")
        boolean skipMissingDatabases;

        @Option(names = "--descriptions", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "With --tokenizer, prompt lengths include BIRD's column descriptions where the databases have "
                        + "database_description/ files (default: on, as data.schema.descriptions); --no-descriptions "
                        + "measures them without.")
        boolean descriptions;

        @Option(names = "--values",
                description = "Build (or read from sqlrl's cache) the value index of every database and report its values, "
                        + "build time and size; with --tokenizer, prompt lengths include the retrieved values (default: off).")
        boolean values;

        @Option(names = "--json", description = "Print the statistics as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (sampleValues < 0) {
                throw new UserInputException("--sample-values must be 0 or more, got " + sampleValues);
            }
            Dataset dataset = DatasetLoader.load(data, split, new DatasetLoader.Options(0, skipMissingDatabases));
            List<String> invalidGold = GoldQueryCheck.run(dataset, SandboxLimits.defaults()).stream()
                    .map(GoldQueryCheck.Failure::describe).toList();
            DatasetStats stats;
            if (tokenizer == null) {
                stats = DatasetStatsCalculator.compute(dataset, SpiderHardnessLabels.forDataset(dataset), null, null,
                        invalidGold);
            } else {
                PromptBuilder prompts = new PromptBuilder(PromptTemplate.load(template), ChatTemplate.fromModelDir(tokenizer),
                        new SchemaSerializer(new SchemaSerializer.Options(true, sampleValues,
                                SchemaSerializer.Options.DEFAULT.maxValueLength(), SchemaSerializer.Format.DDL,
                                descriptions)),
                        values ? new ValueRetriever(ValueIndexCache.shared(), ValuesSection.defaults().withEnabled(true)) : null);
                try (PromptTokenCounter counter = PromptTokenCounter.open(tokenizer)) {
                    stats = DatasetStatsCalculator.compute(dataset, SpiderHardnessLabels.forDataset(dataset),
                            example -> counter.count(prompts.build(example, dataset).text()),
                            dataset.examples().isEmpty() ? prompts.templateId()
                                    : prompts.templateId(dataset.examples().getFirst()),
                            invalidGold);
                }
            }
            if (values) {
                stats = stats.withValueIndexes(valueIndexes(dataset));
            }
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(stats));
            } else {
                out.print(DatasetStatsText.format(stats));
            }
            out.flush();
            return 0;
        }

        /** One index per database the split uses, in db-id order. */
        private static List<ValueIndex.Info> valueIndexes(Dataset dataset) {
            java.util.Map<String, Path> files = new java.util.TreeMap<>();
            dataset.examples().forEach(example -> files.putIfAbsent(example.dbId(), example.dbPath()));
            return files.values().stream().map(file -> ValueIndexCache.shared().index(file).info()).toList();
        }
    }

    @Command(
            footer = {"",
            "Example:",
            "  sqlrl data link --data ~/data/spider --split dev --out linked.jsonl --config configs/grpo_spider.yaml"},
            name = "link", mixinStandardHelpOptions = true,
            description = {"Schema linking of a split: for each question, the values it mentions (value retrieval) and the "
                    + "tables kept (schema pruning), one JSON line each; prints table, column and value recall against what "
                    + "the gold SQL uses, and the mean reduction of the schema's size in tokens (words and punctuation marks).",
                    "Uses data.schema.values' threshold and cap and data.schema.linking's keep_whole_below_tokens from "
                            + "--config (retrieval and pruning always on here)."})
    static final class Link implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "DIR",
                description = "Dataset folder (Spider, BIRD or <split>.jsonl layout) or a .jsonl file.")
        Path data;

        @Option(names = "--split", defaultValue = "dev", paramLabel = "NAME", description = "Split to read (default: ${DEFAULT-VALUE}).")
        String split;

        @Option(names = "--out", required = true, paramLabel = "LINKED.jsonl", description = "Where the JSON lines go.")
        Path out;

        @Option(names = "--config", paramLabel = "FILE",
                description = "Run config whose data.schema settings are used (default: the built-in defaults).")
        Path config;

        @Option(names = "--skip-missing-databases",
                description = "Leave out (and count) the examples whose database file is missing instead of stopping.")
        boolean skipMissingDatabases;

        @Override
        public Integer call() throws Exception {
            PromptSettings settings = config == null ? PromptSettings.defaults()
                    : PromptSettings.of(RunConfigs.load(config, List.of()), config.toString());
            Dataset dataset = DatasetLoader.load(data, split, new DatasetLoader.Options(0, skipMissingDatabases));
            ObjectMapper json = new ObjectMapper();
            StringBuilder lines = new StringBuilder();
            SchemaLinkEvaluation.Summary summary = SchemaLinkEvaluation.run(dataset, settings.serializer(),
                    new ValueRetriever(ValueIndexCache.shared(), settings.schema().values()),
                    settings.schema().linking().keepWholeBelowTokens(), line -> {
                        try {
                            lines.append(json.writeValueAsString(line)).append('\n');
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            try {
                DurableFiles.writeAtomically(out, lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.UncheckedIOException e) {
                throw new UserInputException(out + ": cannot write: " + e.getCause().getMessage(), e);
            }
            var stdout = spec.commandLine().getOut();
            stdout.print(summary.toText());
            stdout.println("linked: " + out);
            stdout.flush();
            return 0;
        }
    }
}
