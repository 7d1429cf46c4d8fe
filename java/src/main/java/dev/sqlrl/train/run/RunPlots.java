package dev.sqlrl.train.run;

import dev.sqlrl.DurableFiles;

import dev.sqlrl.UserInputException;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of a run's metrics.jsonl over steps, one file per chart: reward.png (mean and each
 * component), ex.png, kl.png, loss.png, completion_length.png, throughput.png, lr.png,
 * grad_norm.png. The metric names are those of {@link MetricKeys}; a chart is drawn only when the
 * run recorded at least one of its metrics, and null (NaN) values are gaps, not zeros.
 */
public final class RunPlots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;
    /** Past this many points per series, markers hide the line they sit on. */
    private static final int MAX_POINTS_WITH_MARKERS = 60;
    /** More series than this and the legend moves to the right, one name per line. */
    private static final int MAX_SERIES_WITH_LEGEND_BELOW = 4;

    /**
     * @param yPattern a DecimalFormat pattern for the y axis, or null for XChart's choice
     * @param smoothed a key whose trailing mean is drawn too (per-step values of a noisy metric hide its
     *                 trend), or null
     */
    private record ChartSpec(String fileName, String title, String yAxis, String yPattern, Predicate<String> includes,
                             String smoothed) {
        static ChartSpec of(String fileName, String title, String yAxis, String... keys) {
            List<String> list = List.of(keys);
            return new ChartSpec(fileName, title, yAxis, null, list::contains, null);
        }

        /** Learning rates span decades (1e-6 warmup to 1e-4): plain decimals would print them all as 0. */
        ChartSpec scientific() {
            return new ChartSpec(fileName, title, yAxis, "0.0#E0", includes, smoothed);
        }
    }

    private static final List<ChartSpec> CHARTS = List.of(
            new ChartSpec("reward", "Reward", "mean reward", null, key -> key.equals(MetricKeys.REWARD)
                    || key.startsWith(MetricKeys.REWARD_COMPONENT_PREFIX), MetricKeys.REWARD),
            ChartSpec.of("ex", "Execution accuracy", "EX", MetricKeys.EVAL_EX, MetricKeys.TRAIN_SAMPLE_EX),
            ChartSpec.of("kl", "KL to the reference", "k3 KL", MetricKeys.KL),
            ChartSpec.of("loss", "Loss", "loss", MetricKeys.LOSS),
            ChartSpec.of("completion_length", "Completion length", "tokens", MetricKeys.COMPLETION_LENGTH_MEAN,
                    MetricKeys.COMPLETION_LENGTH_MAX),
            ChartSpec.of("throughput", "Throughput", "tokens/s", MetricKeys.TOKENS_PER_S_SAMPLE,
                    MetricKeys.TOKENS_PER_S_UPDATE),
            ChartSpec.of("lr", "Learning rate", "learning rate", MetricKeys.LEARNING_RATE).scientific(),
            ChartSpec.of("grad_norm", "Gradient norm", "norm", MetricKeys.GRAD_NORM));

    private RunPlots() {}

    /**
     * Renders the charts of {@code metricsFile} into {@code outDir} (created if needed).
     *
     * @return the PNG files written, in chart order; empty when no charted metric was recorded
     * @throws UserInputException when the file is missing, malformed or holds no records
     */
    public static List<Path> render(Path metricsFile, Path outDir) {
        List<Map<String, Object>> records = MetricsLog.read(metricsFile);
        if (records.isEmpty()) {
            throw new UserInputException(metricsFile + " holds no metrics yet");
        }
        headlessUnlessSaidOtherwise();
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UserInputException("cannot create " + outDir + ": " + e.getMessage(), e);
        }
        List<Path> written = new ArrayList<>();
        for (ChartSpec spec : CHARTS) {
            Map<String, Series> series = collect(records, spec.includes());
            if (series.isEmpty()) {
                continue;
            }
            Path png = outDir.resolve(spec.fileName() + ".png");
            try {
                DurableFiles.writeAtomically(png, BitmapEncoder.getBitmapBytes(chart(spec, series),
                        BitmapEncoder.BitmapFormat.PNG));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot render " + png + ": " + e.getMessage(), e);
            }
            written.add(png);
        }
        return written;
    }

    record Series(List<Double> steps, List<Double> values) {
        Series() {
            this(new ArrayList<>(), new ArrayList<>());
        }
    }

    /** Steps per point of the trailing mean: a tenth of the run, at least 5. */
    static int smoothingWindow(int points) {
        return Math.max(5, points / 10);
    }

    /** At each point, the mean of it and the window - 1 points before it (fewer at the start). */
    static Series trailingMean(Series series, int window) {
        Series mean = new Series();
        double sum = 0;
        List<Double> values = series.values();
        for (int i = 0; i < values.size(); i++) {
            sum += values.get(i);
            if (i >= window) sum -= values.get(i - window);
            mean.steps().add(series.steps().get(i));
            mean.values().add(sum / Math.min(i + 1, window));
        }
        return mean;
    }

    /**
     * The points of every included key, one series per key, or per key and stage when the key
     * appears under more than one stage. Keys keep the order in which the run first wrote them.
     */
    private static Map<String, Series> collect(List<Map<String, Object>> records, Predicate<String> includes) {
        Map<String, Map<String, Series>> byKeyAndStage = new LinkedHashMap<>();
        for (Map<String, Object> record : records) {
            double step = ((Number) record.get(MetricKeys.STEP)).doubleValue();
            String stage = String.valueOf(record.get(MetricKeys.STAGE));
            record.forEach((key, value) -> {
                if (includes.test(key) && value instanceof Number number && Double.isFinite(number.doubleValue())) {
                    Series series = byKeyAndStage.computeIfAbsent(key, k -> new LinkedHashMap<>())
                            .computeIfAbsent(stage, s -> new Series());
                    series.steps().add(step);
                    series.values().add(number.doubleValue());
                }
            });
        }
        Map<String, Series> named = new LinkedHashMap<>();
        byKeyAndStage.forEach((key, stages) -> stages.forEach((stage, series) ->
                named.put(stages.size() > 1 ? key + " (" + stage + ")" : key, series)));
        return named;
    }

    private static XYChart chart(ChartSpec spec, Map<String, Series> series) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(spec.title()).xAxisTitle("step")
                .yAxisTitle(spec.yAxis()).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisDecimalPattern("#,###");
        if (spec.yPattern() != null) {
            chart.getStyler().setYAxisDecimalPattern(spec.yPattern());
        }
        if (series.size() > MAX_SERIES_WITH_LEGEND_BELOW) {
            // One row of names below the chart would run off its sides.
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        }
        Series noisy = spec.smoothed() == null ? null : series.get(spec.smoothed());
        series.forEach((name, points) -> {
            XYSeries line = chart.addSeries(name, points.steps(), points.values());
            if (points.steps().size() > MAX_POINTS_WITH_MARKERS) {
                line.setMarker(SeriesMarkers.NONE);
            }
            if (points == noisy && points.steps().size() > smoothingWindow(points.steps().size())) {
                int window = smoothingWindow(points.steps().size());
                Series mean = trailingMean(points, window);
                XYSeries trend = chart.addSeries(name + ", mean of last " + window, mean.steps(), mean.values());
                trend.setMarker(SeriesMarkers.NONE);
                trend.setLineColor(Color.BLACK);
                trend.setLineWidth(3f);
            }
        });
        return chart;
    }

    /** Charts are drawn off-screen; a server without a display must not make AWT look for one. */
    private static void headlessUnlessSaidOtherwise() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
