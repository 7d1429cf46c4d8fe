package dev.sqlrl.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.UserInputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes an evaluation into a folder: predictions.jsonl (eval-sql's input, so the answers can be
 * re-scored with {@code sqlrl eval-sql}), results.jsonl (as eval-sql writes it), report.md
 * (the table by hardness, error counts, the run's settings and the first wrong answers), and gold.sql + pred.sql in
 * the official Spider evaluator's format, so that its script can check the numbers.
 */
public final class EvaluationFiles {
    public static final String PREDICTIONS = "predictions.jsonl";
    public static final String RESULTS = "results.jsonl";
    public static final String REPORT = "report.md";
    /** Wrong answers shown in the report, enough to see what goes wrong without drowning the table. */
    static final int WRONG_ANSWERS_SHOWN = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvaluationFiles() {}

    /** Writes the three files; {@code run} lists the settings (model, split, ...) in the report, in order. */
    public static void write(Path dir, EvaluationReport report, Map<String, String> run) {
        try {
            Files.createDirectories(dir);
            try (BufferedWriter writer = Files.newBufferedWriter(dir.resolve(PREDICTIONS), StandardCharsets.UTF_8)) {
                for (PairResult result : report.results()) {
                    writer.write(JSON.writeValueAsString(result.record().source()));
                    writer.newLine();
                }
            }
            ResultsFile.write(dir.resolve(RESULTS), report.results());
            OfficialSqlFiles.write(dir, report.results());
            Files.writeString(dir.resolve(REPORT), markdown(report, run), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserInputException(dir + ": cannot write the evaluation: " + e.getMessage(), e);
        }
    }

    static String markdown(EvaluationReport report, Map<String, String> run) {
        StringBuilder md = new StringBuilder(report.summary().toMarkdown());
        md.append("\n## Run\n\n| setting | value |\n|---|---|\n");
        run.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(cell(value)).append(" |\n"));
        long samples = report.generations().stream().mapToLong(g -> g.samples().size()).sum();
        md.append("| examples scored | ").append(report.results().size()).append(" |\n")
                .append("| skipped (prompt too long) | ").append(report.skipped()).append(" |\n")
                .append("| samples | ").append(samples).append(" |\n")
                .append("| samples without SQL | ").append(report.samplesWithoutSql()).append(" |\n")
                .append("| samples at the new-token limit | ").append(report.truncatedSamples()).append(" |\n");
        List<PairResult> wrong = report.results().stream().filter(r -> !r.ex()).limit(WRONG_ANSWERS_SHOWN).toList();
        if (!wrong.isEmpty()) {
            md.append("\n## First wrong answers\n\n| db | question | gold | predicted | why |\n|---|---|---|---|---|\n");
            for (PairResult r : wrong) {
                md.append("| ").append(cell(r.record().dbId())).append(" | ")
                        .append(cell(r.record().source().path("question").asText())).append(" | ")
                        .append(cell(r.record().gold())).append(" | ")
                        .append(cell(r.chosenPrediction())).append(" | ")
                        .append(cell(r.failure() == null ? "" : r.failure().id())).append(" |\n");
            }
        }
        return md.toString();
    }

    /** Text safe inside a Markdown table cell. */
    private static String cell(String text) {
        return text == null ? "" : text.replace("\\", "\\\\").replace("|", "\\|").replaceAll("\\s+", " ").strip();
    }
}
