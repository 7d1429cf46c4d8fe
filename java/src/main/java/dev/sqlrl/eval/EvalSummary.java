package dev.sqlrl.eval;

import dev.sqlrl.sql.spider.Hardness;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Counts by hardness (count, EX, EM) and by failure category, rendered as a text table or Markdown. */
public final class EvalSummary {
    /** One row of the table. */
    public record Row(String level, int count, int ex, int em) {
        public double exRate() {
            return count == 0 ? 0.0 : (double) ex / count;
        }

        public double emRate() {
            return count == 0 ? 0.0 : (double) em / count;
        }
    }

    private final List<Row> rows;
    private final Map<FailureKind, Integer> failures;
    private final int voting;
    /** Mean Soft-F1 (0 to 1) over the lines that have one (BIRD data), or null when none has. */
    private final Double softF1;

    /** BIRD mini-dev's R-VES over the lines that were timed, or null when none was. */
    private final Double rves;

    private EvalSummary(List<Row> rows, Map<FailureKind, Integer> failures, int voting, Double softF1, Double rves) {
        this.rows = rows;
        this.failures = failures;
        this.voting = voting;
        this.softF1 = softF1;
        this.rves = rves;
    }

    public static EvalSummary of(List<PairResult> results) {
        List<Row> rows = new ArrayList<>();
        for (Hardness level : Hardness.values()) {
            rows.add(row(level.label(), results.stream().filter(r -> r.hardness() == level).toList()));
        }
        List<PairResult> unknown = results.stream().filter(r -> r.hardness() == null).toList();
        if (!unknown.isEmpty()) {
            // Golds outside process_sql's grammar: the official evaluator has no hardness for them.
            rows.add(row("unknown", unknown));
        }
        rows.add(row("all", results));
        Map<FailureKind, Integer> failures = new EnumMap<>(FailureKind.class);
        for (PairResult result : results) {
            if (result.failure() != null) {
                failures.merge(result.failure(), 1, Integer::sum);
            }
        }
        int voting = (int) results.stream().filter(r -> r.record().voting()).count();
        var softF1s = results.stream().map(PairResult::softF1).filter(java.util.Objects::nonNull)
                .mapToDouble(Double::doubleValue).summaryStatistics();
        List<Double> rewards = results.stream().map(PairResult::rvesReward).filter(java.util.Objects::nonNull).toList();
        return new EvalSummary(List.copyOf(rows), failures, voting, softF1s.getCount() == 0 ? null : softF1s.getAverage(),
                rewards.isEmpty() ? null : BirdRves.score(rewards));
    }

    private static Row row(String level, List<PairResult> results) {
        return new Row(level, results.size(), (int) results.stream().filter(PairResult::ex).count(),
                (int) results.stream().filter(PairResult::em).count());
    }

    public List<Row> rows() {
        return rows;
    }

    /** The row of a level: easy, medium, hard, extra, unknown or all. */
    public Row row(String level) {
        return rows.stream().filter(r -> r.level().equals(level)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no summary row '" + level + "'"));
    }

    /** BIRD mini-dev's Soft-F1 averaged over the lines (0 to 1; the official script prints it times 100), if computed. */
    public java.util.OptionalDouble softF1() {
        return softF1 == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(softF1);
    }

    /** BIRD mini-dev's R-VES (0 to 111.8, as the official script prints it), if measured. */
    public java.util.OptionalDouble rves() {
        return rves == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(rves);
    }

    public Map<FailureKind, Integer> failures() {
        return Map.copyOf(failures);
    }

    /** The table printed on stdout. */
    public String toText() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-8s %7s %7s %7s%n", "hardness", "count", "EX", "EM"));
        for (Row row : rows) {
            text.append(String.format(Locale.ROOT, "%-8s %7d %7.3f %7.3f%n", row.level(), row.count(), row.exRate(),
                    row.emRate()));
        }
        if (softF1 != null) {
            text.append(String.format(Locale.ROOT, "Soft-F1 (BIRD mini-dev) %.3f%n", softF1));
        }
        if (rves != null) {
            text.append(String.format(Locale.ROOT, "R-VES (BIRD mini-dev, %d runs per query) %.2f%n", BirdRves.ITERATIONS,
                    rves));
        }
        return text.toString();
    }

    public String toMarkdown() {
        StringBuilder md = new StringBuilder("# SQL evaluation\n\n");
        if (voting > 0) {
            md.append(voting).append(" of ").append(row("all").count())
                    .append(" lines were scored by vote@k over their candidates' execution results.\n\n");
        }
        md.append("## By hardness\n\n| hardness | count | EX | EM |\n|---|---:|---:|---:|\n");
        for (Row row : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f |%n", row.level(), row.count(), row.exRate(),
                    row.emRate()));
        }
        if (softF1 != null) {
            md.append(String.format(Locale.ROOT, "%n## BIRD mini-dev metrics%n%n| metric | value |%n|---|---:|%n"
                    + "| EX | %.3f |%n| Soft-F1 | %.3f |%n%n", row("all").exRate(), softF1))
                    .append("Soft-F1 as mini-dev's evaluation_f1.py defines it (the i-th distinct predicted row against the"
                            + " i-th distinct gold row, cells matched in any column order), averaged over the lines;"
                            + " the official script prints it times 100.\n");
            if (rves != null) {
                md.append(String.format(Locale.ROOT, "%nR-VES %.2f: as mini-dev's evaluation_ves.py, each correct"
                        + " prediction and its gold query ran %d times each, alternately; mean over the lines of"
                        + " sqrt(reward) x 100, the reward from the mean time ratio gold/predicted (>= 2: 1.25, >= 1: 1,"
                        + " >= 0.5: 0.75, >= 0.25: 0.5, else 0.25; wrong: 0).%n", rves, BirdRves.ITERATIONS));
            }
        }
        md.append("\n## Errors (EX = 0)\n\n| category | count |\n|---|---:|\n");
        for (FailureKind kind : FailureKind.values()) {
            md.append("| ").append(kind.id()).append(" | ").append(failures.getOrDefault(kind, 0)).append(" |\n");
        }
        return md.toString();
    }
}
