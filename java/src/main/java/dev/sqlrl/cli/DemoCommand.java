package dev.sqlrl.cli;

import dev.sqlrl.UserInputException;
import dev.sqlrl.demo.CpuDemo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sqlrl demo}: the CPU demo, SFT then GRPO of a tiny model on the built-in company database. */
@Command(
        footer = {"",
        "Example:",
        "  ./sqlrl demo --out runs/my-demo --set grpo.steps=20"},
        name = "demo", mixinStandardHelpOptions = true,
        description = "CPU demo: a tiny model learns SQL on a built-in company database (SFT, then GRPO) in minutes.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "Demo folder (default: runs/demo-TIMESTAMP).")
    Path out;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a key of the built-in demo config (configs/demo_cpu.yaml), e.g. --set grpo.steps=5.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Path dir = out != null ? out
                : Path.of("runs", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try (var entries = Files.isDirectory(dir) ? Files.list(dir) : null) {
            if (entries != null && entries.findAny().isPresent()) {
                throw new UserInputException(dir + " exists and is not empty: choose another --out");
            }
        }
        CpuDemo.Summary s = new CpuDemo(dir, overrides).run();
        System.out.println();
        System.out.println("| model      | EX on " + s.testExamples() + " held-out questions |");
        System.out.println("|------------|-----------------------------|");
        System.out.printf("| base       | %27.3f |%n", s.baseEx());
        System.out.printf("| after SFT  | %27.3f |%n", s.sftEx());
        System.out.printf("| after GRPO | %27.3f |%n", s.grpoEx());
        System.out.printf("GRPO mean reward: first 10%% of steps %.3f, last 10%% %.3f; reward curve: %s%n",
                s.rewardFirst(), s.rewardLast(), s.rewardPlot());
        CpuDemo.PairedGain p = s.paired();
        System.out.printf("GRPO vs the same run with the policy frozen, mean reward over the last %d steps: %.3f vs %.3f"
                + " (%+.3f, %.1f standard errors of the paired per-step difference, sd %.3f)%n", p.steps(), p.real(),
                p.frozen(), p.gain(), p.standardErrors(), p.stepSd());
        System.out.printf("demo took %.0f s%n", s.seconds());
        System.out.println("summary: " + dir.toAbsolutePath().resolve("summary.json"));
        return 0;
    }
}
