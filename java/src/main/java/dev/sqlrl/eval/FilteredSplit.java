package dev.sqlrl.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.DurableFiles;
import dev.sqlrl.data.Example;
import dev.sqlrl.sql.spider.Hardness;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What `sqlrl data filter` writes into its folder, each file atomically: SPLIT.jsonl, the kept questions in sqlrl's
 * JSONL layout (absolute db_path, so the split loads from anywhere on this machine); pass_rates.jsonl, every measured
 * question with its pass rate and whether it was kept; filter_report.json and filter_report.md, the counts by pass
 * rate and by Spider hardness.
 */
public final class FilteredSplit {
    public static final String RATES = "pass_rates.jsonl";
    public static final String REPORT_JSON = "filter_report.json";
    public static final String REPORT_MD = "filter_report.md";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome: how many questions were kept and dropped, and on which side. */
    public record Counts(int measured, int kept, int droppedLow, int droppedHigh, int skippedTooLong) {}

    private FilteredSplit() {}

    /** What one Spider hardness level adds up to. */
    private static final class Tally {
        int questions, kept, droppedLow, droppedHigh, correct, samples;

        double meanPassRate() {
            return samples == 0 ? 0 : (double) correct / samples;
        }
    }

    public static Counts write(Path dir, String split, PassRateFilter.Measured measured, PassRateFilter.Thresholds thresholds,
                               Map<String, String> settings) {
        StringBuilder kept = new StringBuilder();
        StringBuilder rates = new StringBuilder();
        int keptCount = 0, low = 0, high = 0;
        Map<Hardness, Tally> byHardness = new EnumMap<>(Hardness.class);
        int[] histogram = null;
        for (PassRateFilter.Rate rate : measured.rates()) {
            if (histogram == null) histogram = new int[rate.samples() + 1];
            histogram[rate.correct()]++;
            boolean keep = thresholds.keeps(rate);
            boolean isLow = !keep && rate.passRate() <= thresholds.dropAtOrBelow();
            Tally h = byHardness.computeIfAbsent(rate.hardness(), x -> new Tally());
            h.questions++;
            h.correct += rate.correct();
            h.samples += rate.samples();
            if (keep) {
                keptCount++;
                h.kept++;
                kept.append(record(rate.example())).append('\n');
            } else if (isLow) {
                low++;
                h.droppedLow++;
            } else {
                high++;
                h.droppedHigh++;
            }
            ObjectNode line = JSON.createObjectNode();
            line.put("id", rate.example().id());
            line.put("correct", rate.correct());
            line.put("samples", rate.samples());
            line.put("pass_rate", rate.passRate());
            line.put("hardness", rate.hardness().label());
            line.put("kept", keep);
            rates.append(line).append('\n');
        }
        Counts counts = new Counts(measured.rates().size(), keptCount, low, high, measured.skippedTooLong().size());
        ObjectNode report = report(counts, thresholds, histogram, byHardness, settings);
        DurableFiles.writeString(dir.resolve(split + ".jsonl"), kept.toString());
        DurableFiles.writeString(dir.resolve(RATES), rates.toString());
        DurableFiles.writeString(dir.resolve(REPORT_JSON), report.toPrettyString() + "\n");
        DurableFiles.writeString(dir.resolve(REPORT_MD), markdown(split, counts, thresholds, histogram, byHardness, settings));
        return counts;
    }

    /** One line of sqlrl's JSONL layout. */
    private static String record(Example e) {
        ObjectNode line = JSON.createObjectNode();
        line.put("id", e.id());
        line.put("question", e.question());
        line.put("sql", e.goldSql());
        line.put("db_id", e.dbId());
        line.put("db_path", e.dbPath().toAbsolutePath().normalize().toString());
        if (e.evidence() != null && !e.evidence().isEmpty()) line.put("evidence", e.evidence());
        if (e.difficulty() != null) line.put("difficulty", e.difficulty());
        return line.toString();
    }

    private static ObjectNode report(Counts c, PassRateFilter.Thresholds t, int[] histogram, Map<Hardness, Tally> byHardness,
                                     Map<String, String> settings) {
        ObjectNode r = JSON.createObjectNode();
        r.put("measured", c.measured());
        r.put("kept", c.kept());
        r.put("dropped_at_or_below", c.droppedLow());
        r.put("dropped_at_or_above", c.droppedHigh());
        r.put("skipped_prompt_too_long", c.skippedTooLong());
        r.put("drop_at_or_below", t.dropAtOrBelow());
        r.put("drop_at_or_above", t.dropAtOrAbove());
        ArrayNode hist = r.putArray("questions_by_correct_samples");
        if (histogram != null) for (int n : histogram) hist.add(n);
        ObjectNode hardness = r.putObject("by_hardness");
        byHardness.forEach((h, v) -> {
            ObjectNode row = hardness.putObject(h.label());
            row.put("questions", v.questions);
            row.put("kept", v.kept);
            row.put("dropped_at_or_below", v.droppedLow);
            row.put("dropped_at_or_above", v.droppedHigh);
            row.put("mean_pass_rate", v.meanPassRate());
        });
        ObjectNode s = r.putObject("settings");
        settings.forEach(s::put);
        return r;
    }

    private static String markdown(String split, Counts c, PassRateFilter.Thresholds t, int[] histogram,
                                   Map<Hardness, Tally> byHardness, Map<String, String> settings) {
        StringBuilder md = new StringBuilder("# Pass-rate filter of split " + split + "\n\n");
        md.append(String.format(Locale.ROOT, "Kept %d of %d measured questions: dropped %d with a pass rate <= %.2f"
                        + " and %d with a pass rate >= %.2f; %d not measured (prompt too long, left out).%n%n",
                c.kept(), c.measured(), c.droppedLow(), t.dropAtOrBelow(), c.droppedHigh(), t.dropAtOrAbove(), c.skippedTooLong()));
        md.append("| hardness | questions | kept | dropped (low) | dropped (high) | mean pass rate |\n|---|---|---|---|---|---|\n");
        byHardness.forEach((h, v) -> md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.3f |%n", h.label(),
                v.questions, v.kept, v.droppedLow, v.droppedHigh, v.meanPassRate())));
        if (histogram != null) {
            md.append("\n| correct samples | questions |\n|---|---|\n");
            for (int i = 0; i < histogram.length; i++) md.append("| ").append(i).append(" | ").append(histogram[i]).append(" |\n");
        }
        md.append("\n## Settings\n\n");
        settings.forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append('\n'));
        return md.toString();
    }
}
