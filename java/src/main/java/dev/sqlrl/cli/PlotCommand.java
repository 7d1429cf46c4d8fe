package dev.sqlrl.cli;

import dev.sqlrl.UserInputException;
import dev.sqlrl.train.run.MetricKeys;
import dev.sqlrl.train.run.RunFolder;
import dev.sqlrl.train.run.RunPlots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** `sqlrl plot`: charts of a run's metrics (also while it is still training). */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl plot --run runs/demo-X/grpo"},
        name = "plot", mixinStandardHelpOptions = true,
        description = "Render PNG charts (reward, EX, KL, loss, completion length, throughput) of a run's metrics.jsonl.")
public final class PlotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "The run folder.")
    Path run;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the PNG files (default: DIR/plots).")
    Path out;

    @Override
    public Integer call() {
        RunFolder folder = RunFolder.open(run);
        Path metrics = folder.metricsFile();
        if (!Files.exists(metrics)) {
            throw new UserInputException(run + " has no metrics.jsonl yet: the run has not logged a step");
        }
        List<Path> pngs = RunPlots.render(metrics, out != null ? out : folder.plotsDir());
        if (pngs.isEmpty()) {
            throw new UserInputException(metrics + " has none of the charted metrics (" + MetricKeys.LOSS + ", "
                    + MetricKeys.REWARD + ", " + MetricKeys.EVAL_EX + ", " + MetricKeys.KL + ", ...)");
        }
        pngs.forEach(spec.commandLine().getOut()::println);
        return 0;
    }
}
