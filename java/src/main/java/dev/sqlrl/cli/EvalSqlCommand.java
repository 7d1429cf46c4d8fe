package dev.sqlrl.cli;

import dev.sqlrl.UserInputException;
import dev.sqlrl.eval.BirdRves;
import dev.sqlrl.eval.EvalSummary;
import dev.sqlrl.eval.OfficialSqlFiles;
import dev.sqlrl.eval.PairResult;
import dev.sqlrl.eval.PredictionRecord;
import dev.sqlrl.eval.PredictionScorer;
import dev.sqlrl.eval.PredictionsFile;
import dev.sqlrl.eval.ResultsFile;
import dev.sqlrl.sql.ExecutionMatch;
import dev.sqlrl.sql.MatchOptions;
import dev.sqlrl.sql.SandboxLimits;
import dev.sqlrl.sql.SqlSandbox;
import dev.sqlrl.sql.spider.SpiderSchema;
import dev.sqlrl.sql.spider.SpiderTablesFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** `sqlrl eval-sql`: EX, EM, hardness and error categories of predicted SQL, with vote@k. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl eval-sql --data ~/data/spider --predictions runs/eval-x/predictions.jsonl --out results.jsonl --report report.md",
        "  sqlrl eval-sql --data ~/data/spider --gold runs/eval-x/gold.sql --pred runs/eval-x/pred.sql --out results.jsonl"},
        name = "eval-sql",
        mixinStandardHelpOptions = true,
        description = {
            "Scores predicted SQL against gold SQL the way the official Spider evaluator does: execution accuracy (EX),"
                    + " exact set match (EM), hardness, and the category of each failure.",
            "A predictions line is {\"db_id\", \"gold\", \"pred\"} or {\"db_id\", \"gold\", \"preds\": [...]} (vote@k:"
                    + " the candidates are grouped by execution result and the largest group wins).",
            "Or the official evaluator's files as they are: --gold gold.sql (SQL<TAB>db_id lines) with --pred pred.sql"
                    + " (one SQL a line)."
        })
public final class EvalSqlCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    DataSource source;

    static final class DataSource {
        @Option(names = "--data", paramLabel = "DIR", description = "Spider-style folder: DIR/tables.json and DIR/database/<db_id>/<db_id>.sqlite")
        Path data;

        @ArgGroup(exclusive = false, multiplicity = "1")
        ExplicitFiles explicit;
    }

    static final class ExplicitFiles {
        @Option(names = "--tables", paramLabel = "FILE", required = true, description = "tables.json")
        Path tables;

        @Option(names = "--db-dir", paramLabel = "DIR", required = true, description = "folder of <db_id>/<db_id>.sqlite")
        Path databaseDir;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--predictions", paramLabel = "PREDS.jsonl", description = "the predictions (JSON lines)")
        Path predictions;

        @ArgGroup(exclusive = false, multiplicity = "1")
        OfficialFiles official;
    }

    /** The official Spider evaluator's inputs, as its evaluation.py reads them. */
    static final class OfficialFiles {
        @Option(names = "--gold", paramLabel = "gold.sql", required = true,
                description = "the official evaluator's gold file: SQL<TAB>db_id a line (blank lines skipped)")
        Path gold;

        @Option(names = "--pred", paramLabel = "pred.sql", required = true,
                description = "the official evaluator's predictions: one SQL a line, in gold.sql's order")
        Path pred;
    }

    @Option(names = "--out", paramLabel = "RESULTS.jsonl", required = true, description = "per-line results")
    Path out;

    @Option(names = "--report", paramLabel = "REPORT.md", description = "Also write a Markdown report (table by hardness, error counts) there (default: none; the "
            + "summary is printed).")
    Path report;

    @Option(names = "--bird", description = "BIRD data (e.g. --tables DIR/dev_tables.json --db-dir DIR/dev_databases): "
            + "BIRD's EX (results compared as sets of rows) and BIRD mini-dev's Soft-F1 beside it (default: Spider's).")
    boolean bird;

    @Option(names = "--rves", description = "With --bird, also BIRD mini-dev's R-VES: every correct prediction and its gold "
            + "query run " + BirdRves.ITERATIONS + " times each, as its evaluation_ves.py (slow; default: off).")
    boolean rves;

    @Option(names = "--threads", paramLabel = "N", description = "threads that run queries (default: CPU cores)")
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

    @Override
    public Integer call() {
        if (threads < 1) {
            throw new UserInputException("--threads must be at least 1, got " + threads);
        }
        if (rves && !bird) {
            throw new UserInputException("--rves is BIRD's metric: it needs --bird");
        }
        Path tables = source.data != null ? source.data.resolve("tables.json") : source.explicit.tables;
        Path databaseDir = source.data != null ? source.data.resolve("database") : source.explicit.databaseDir;
        if (!Files.isDirectory(databaseDir)) {
            throw new UserInputException(databaseDir + ": database folder not found");
        }
        Map<String, SpiderSchema> schemas = SpiderTablesFile.read(tables);
        List<PredictionRecord> records = input.predictions != null ? PredictionsFile.read(input.predictions)
                : OfficialSqlFiles.read(input.official.gold, input.official.pred);
        Path predictions = input.predictions != null ? input.predictions : input.official.gold; // db_id and line numbers are gold.sql's
        List<PairResult> results;
        try (SqlSandbox sandbox = new SqlSandbox(SandboxLimits.defaults());
                ExecutionMatch executionMatch = new ExecutionMatch(sandbox,
                        (bird ? MatchOptions.bird() : MatchOptions.spiderOfficial()).withThreads(threads))) {
            PredictionScorer scorer = new PredictionScorer(schemas, databaseDir, executionMatch);
            results = (bird ? scorer.withSoftF1() : scorer).scoreAll(records, predictions, threads);
        }
        if (rves) {
            results = BirdRves.withRewards(results, dbId -> databaseDir.resolve(dbId).resolve(dbId + ".sqlite"),
                    BirdRves::sqliteSeconds);
        }
        ResultsFile.write(out, results);
        EvalSummary summary = EvalSummary.of(results);
        spec.commandLine().getOut().print(summary.toText());
        spec.commandLine().getOut().flush();
        if (report != null) {
            try {
                Files.writeString(report, summary.toMarkdown(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UserInputException(report + ": cannot write the report: " + e.getMessage(), e);
            }
        }
        return 0;
    }
}
