package dev.sqlrl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.perf.GrpoStepScenario;
import dev.sqlrl.train.grpo.GrpoStepBenchmark;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sqlrl bench grpo-step}: whole GRPO steps through the trainer's step, on the demo's company database. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl bench grpo-step --shape tiny --device cpu"},
        name = "grpo-step", mixinStandardHelpOptions = true,
        description = "Whole GRPO steps as the trainer runs them (sample, reward on the demo's company database,"
                + " reference, update): seconds per step and its split.")
final class BenchGrpoStepCommand extends ModelBenchCommand {
    @Option(names = "--prompts", defaultValue = "8", description = "Prompts per step (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--samples-per-prompt", defaultValue = "8", paramLabel = "K",
            description = "Completions per prompt, GRPO's group (default: ${DEFAULT-VALUE}).")
    int samplesPerPrompt;

    @Option(names = "--prompt-len", defaultValue = "384", paramLabel = "N",
            description = "Tokens of each prompt: random ids of that length stand in for the demo question's prompt, so the "
                    + "sampling cost is that of a real-length prompt (default: ${DEFAULT-VALUE}).")
    int promptLen;
    @Option(names = "--new-tokens", defaultValue = "256", description = "grpo.max_completion_length (default: ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--micro-batch", defaultValue = "8", paramLabel = "M",
            description = "Completions per forward/backward of the update (default: ${DEFAULT-VALUE}); one update per step.")
    int microBatch;

    @Option(names = "--beta", defaultValue = "0.04",
            description = "KL weight; > 0 adds the reference pass (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--steps", defaultValue = "2", description = "Timed steps; the median is reported (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any other key of the run config (the built-in demo_cpu.yaml), e.g. --set grpo.loss_type=grpo.")
    List<String> overrides = new ArrayList<>();

    @Override
    void measure(NativeModel model, Device on, ObjectNode result) {
        int completions = prompts * samplesPerPrompt;
        if (loraRank <= 0) throw new UserInputException("GRPO trains LoRA adapters: give --lora-rank > 0");
        if (steps <= 0) throw new UserInputException("--steps must be > 0, got " + steps);
        if (promptLen <= 0) throw new UserInputException("--prompt-len must be > 0, got " + promptLen);
        if (microBatch <= 0 || completions % microBatch != 0) {
            throw new UserInputException("--micro-batch (" + microBatch + ") must divide the " + completions
                    + " completions of a step");
        }
        GrpoStepScenario.Outcome outcome = GrpoStepScenario.run(model, new GrpoStepScenario.Settings(prompts,
                samplesPerPrompt, promptLen, newTokens, microBatch, beta, loraRank, denseSampling, steps, seed, overrides),
                line -> System.err.println("bench: " + line));
        GrpoStepBenchmark.Result r = outcome.result();
        result.put("prompts", prompts);
        result.put("samples_per_prompt", samplesPerPrompt);
        result.put("prompt_len", promptLen);
        result.put("new_tokens", newTokens);
        result.put("micro_batch", microBatch);
        result.put("beta", beta);
        result.put("loss_type", outcome.config().grpo().lossType().name().toLowerCase(Locale.ROOT));
        overrides.forEach(result.putArray("overrides")::add);
        result.put("completions", r.completions());
        result.put("completion_tokens", r.completionTokens());
        result.put("step_s", r.stepSeconds());
        result.put("sample_s", r.sampleSeconds());
        result.put("reward_s", r.rewardSeconds());
        result.put("reference_s", r.referenceSeconds());
        result.put("update_s", r.updateSeconds());
        result.put("device_peak_bytes", outcome.devicePeakBytes());
    }

    @Override
    void printSummary(ObjectNode r) {
        System.out.printf("grpo-step %s %s: %.2f s per step of %d completions (%d tokens): sample %.2f, reward %.2f,"
                        + " reference %.2f, update %.2f; %s%n",
                r.get("shape").asText(), r.get("weights").asText(), r.get("step_s").asDouble(), r.get("completions").asInt(),
                r.get("completion_tokens").asLong(), r.get("sample_s").asDouble(), r.get("reward_s").asDouble(),
                r.get("reference_s").asDouble(), r.get("update_s").asDouble(), peak(r));
    }
}
