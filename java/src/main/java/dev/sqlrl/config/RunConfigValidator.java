package dev.sqlrl.config;

import java.util.ArrayList;
import java.util.List;

/** Checks that span several keys (single-key ranges are checked while binding, from {@link Key}). */
final class RunConfigValidator {
    private final List<String> errors = new ArrayList<>();

    private RunConfigValidator() {}

    /** Every inconsistency of the config, as "path: message" lines; empty when it is consistent. */
    static List<String> check(RunConfig config) {
        RunConfigValidator v = new RunConfigValidator();
        if (config.sft() != null) v.checkSft(config.sft());
        if (config.grpo() != null) v.checkGrpo(config.grpo());
        v.checkReward(config.reward());
        v.checkDistributed(config.distributed(), config.model());
        return v.errors;
    }

    private void checkSft(SftSection sft) {
        if (sft.epochs() == 0 && sft.maxSteps() == 0) {
            error("sft.max_steps", "0 together with sft.epochs 0 trains nothing; set one of them above 0");
        }
        checkOptimizer("sft.optimizer", sft.optimizer());
    }

    private void checkGrpo(GrpoSection grpo) {
        int completions = grpo.completionsPerStep();
        if (completions % grpo.microBatchSize() != 0) {
            error("grpo.micro_batch_size", grpo.microBatchSize() + " does not divide prompts_per_step * num_generations = "
                    + completions + "; allowed: a divisor of " + completions);
        } else if ((completions / grpo.microBatchSize()) % grpo.gradAccumulation() != 0) {
            int microBatches = completions / grpo.microBatchSize();
            error("grpo.grad_accumulation", grpo.gradAccumulation() + " does not divide the " + microBatches
                    + " micro-batches of a step; allowed: a divisor of " + microBatches);
        }
        checkOptimizer("grpo.optimizer", grpo.optimizer());
    }

    private void checkOptimizer(String path, OptimizerSection optimizer) {
        if (optimizer.warmupSteps() > 0 && optimizer.warmupRatio() > 0) {
            error(path + ".warmup_ratio", "give warmup_steps or warmup_ratio, not both (warmup_steps is "
                    + optimizer.warmupSteps() + ")");
        }
    }

    private void checkReward(RewardSection reward) {
        if (!(reward.weights().sum() > 0)) error("reward.weights", "all weights are 0; at least one must be > 0");
        ExecutionRewardValues values = reward.execution();
        if (!(values.correct() > values.failed())) {
            error("reward.execution.correct", ConfigSchema.number(values.correct())
                    + " must be greater than reward.execution.failed (" + ConfigSchema.number(values.failed()) + ")");
        } else if (values.executable() < values.failed() || values.executable() > values.correct()) {
            error("reward.execution.executable", ConfigSchema.number(values.executable()) + " is out of range; allowed: ["
                    + ConfigSchema.number(values.failed()) + ", " + ConfigSchema.number(values.correct())
                    + "] (between failed and correct)");
        }
    }

    private void checkDistributed(DistributedSection distributed, ModelSection model) {
        // NCCL reduces only CUDA tensors: a CPU run with it would fail at the first all-reduce, after loading the model.
        if (distributed.backend() == DistributedBackend.NCCL && model.device() != dev.sqlrl.model.Device.CUDA) {
            error("distributed.backend", "nccl needs model.device cuda, not " + ConfigSchema.spelling(model.device())
                    + "; use gloo or auto");
        }
    }

    private void error(String path, String message) {
        errors.add(path + ": " + message);
    }
}
