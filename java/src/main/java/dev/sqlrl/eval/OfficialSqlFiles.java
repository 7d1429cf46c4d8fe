package dev.sqlrl.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.DurableFiles;
import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The official Spider evaluator's files: gold.sql holds {@code SQL<TAB>db_id} a line, pred.sql one predicted SQL a
 * line, in the same order. Like evaluation.py, blank lines are skipped in both; so a prediction is written on one
 * line (line breaks and tabs become spaces) and an empty one as {@link #NO_SQL}, which runs but matches no gold.
 */
public final class OfficialSqlFiles {
    public static final String GOLD = "gold.sql";
    public static final String PRED = "pred.sql";
    /** Stands for "no SQL in the answer": a blank line would shift every later prediction in evaluation.py. */
    public static final String NO_SQL = "SELECT NULL";

    private OfficialSqlFiles() {}

    /** The pairs of a gold.sql and a pred.sql, as predictions records (line = the gold line's number). */
    public static List<PredictionRecord> read(Path goldFile, Path predFile) {
        List<Line> gold = lines(goldFile);
        List<Line> pred = lines(predFile);
        if (gold.size() != pred.size()) {
            throw new UserInputException(predFile + ": " + pred.size() + " predictions for " + gold.size() + " gold queries in "
                    + goldFile + " (blank lines do not count)");
        }
        List<PredictionRecord> records = new ArrayList<>();
        for (int i = 0; i < gold.size(); i++) {
            Line g = gold.get(i);
            int tab = g.text().lastIndexOf('\t');
            if (tab <= 0 || g.text().substring(tab + 1).isBlank()) {
                throw new UserInputException(goldFile + ":" + g.number() + ": expected SQL<TAB>db_id");
            }
            String sql = g.text().substring(0, tab).strip();
            String dbId = g.text().substring(tab + 1).strip();
            String prediction = pred.get(i).text().strip();
            ObjectNode source = JsonNodeFactory.instance.objectNode().put("db_id", dbId).put("gold", sql).put("pred", prediction);
            records.add(new PredictionRecord(g.number(), dbId, sql, List.of(prediction), false, source));
        }
        if (records.isEmpty()) {
            throw new UserInputException(goldFile + ": no gold queries in the file");
        }
        return records;
    }

    /** Writes gold.sql and pred.sql of scored results into {@code dir}, in the results' order. */
    public static void write(Path dir, List<PairResult> results) {
        StringBuilder gold = new StringBuilder();
        StringBuilder pred = new StringBuilder();
        for (PairResult result : results) {
            gold.append(oneLine(result.record().gold())).append('\t').append(result.record().dbId()).append('\n');
            String sql = oneLine(result.chosenPrediction());
            pred.append(sql.isEmpty() ? NO_SQL : sql).append('\n');
        }
        DurableFiles.writeAtomically(dir.resolve(GOLD), gold.toString().getBytes(StandardCharsets.UTF_8));
        DurableFiles.writeAtomically(dir.resolve(PRED), pred.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String oneLine(String sql) {
        return sql == null ? "" : sql.replaceAll("\\s*[\\r\\n\\t]\\s*", " ").strip();
    }

    private record Line(int number, String text) {}

    private static List<Line> lines(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file + ": file not found");
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<Line> out = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (!all.get(i).isBlank()) out.add(new Line(i + 1, all.get(i)));
            }
            return out;
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
