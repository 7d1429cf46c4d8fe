package dev.sqlrl.train;

import dev.sqlrl.config.OptimizerSection;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeModel.LoraBuffer;
import dev.sqlrl.model.NativeModel.LoraTensor;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import java.io.IOException;
import java.nio.file.Path;

/**
 * AdamW over the model's LoRA tensors (the math runs in native code) with its learning-rate schedule
 * and step count; saves and restores its moments so that a resumed run continues exactly.
 */
public final class AdamWOptimizer {
    /** File of the AdamW moments inside a checkpoint. */
    public static final String STATE_FILE = "optimizer.safetensors";

    private final NativeModel model;
    private final OptimizerSection settings;
    private final LearningRateSchedule schedule;
    private long stepsTaken;

    public AdamWOptimizer(NativeModel model, OptimizerSection settings, long totalSteps) {
        this.model = model;
        this.settings = settings;
        this.schedule = LearningRateSchedule.of(settings, totalSteps);
    }

    /** Optimizer steps taken so far (the schedule position). */
    public long stepsTaken() {
        return stepsTaken;
    }

    /** The learning rate the next step will use. */
    public double nextLearningRate() {
        return schedule.at(stepsTaken + 1);
    }

    /**
     * Clips and applies the accumulated gradients, then zeroes them. A non-finite gradient norm leaves
     * the adapters and moments untouched and does not advance the schedule (native skips the update).
     *
     * @return the gradient norm before clipping
     */
    public double step() {
        double lr = nextLearningRate();
        double norm = model.adamwStep(lr, settings.beta1(), settings.beta2(), settings.eps(), settings.weightDecay(),
                settings.maxGradNorm(), stepsTaken + 1);
        model.zeroGrad();
        if (Double.isFinite(norm)) {
            stepsTaken++;
        }
        return norm;
    }

    /** Writes both AdamW moments of every LoRA tensor. */
    public void save(Path file) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("steps_taken", Long.toString(stepsTaken));
        for (LoraTensor tensor : model.loraTensors()) {
            long[] shape = {tensor.rows(), tensor.cols()};
            writer.addFloats(tensor.name() + ".exp_avg", TensorDtype.F32, shape, model.readLora(tensor, LoraBuffer.ADAM_M));
            writer.addFloats(tensor.name() + ".exp_avg_sq", TensorDtype.F32, shape, model.readLora(tensor, LoraBuffer.ADAM_V));
        }
        writer.write(file);
    }

    /** Restores what {@link #save} wrote; the adapters must be attached with the same shapes. */
    public void load(Path file) {
        try (SafetensorsFile state = SafetensorsFile.open(file)) {
            String steps = state.metadata().get("steps_taken");
            if (steps == null) {
                throw new IllegalStateException(file + " has no steps_taken metadata: not an optimizer state");
            }
            for (LoraTensor tensor : model.loraTensors()) {
                model.writeLora(tensor, LoraBuffer.ADAM_M, state.floats(tensor.name() + ".exp_avg"));
                model.writeLora(tensor, LoraBuffer.ADAM_V, state.floats(tensor.name() + ".exp_avg_sq"));
            }
            stepsTaken = Long.parseLong(steps);
        }
    }
}
