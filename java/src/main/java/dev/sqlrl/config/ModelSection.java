package dev.sqlrl.config;

import dev.sqlrl.model.Device;
import dev.sqlrl.model.WeightMode;
import java.nio.file.Path;

/** The base model and how native code holds and runs it. */
public record ModelSection(
        @Key("Hugging Face model folder (config.json, *.safetensors, tokenizer.json).") Path path,
        @Key("How the frozen base weights are stored: nf4 is QLoRA's 4-bit format; fp32 for tests.") WeightMode weights,
        @Key("Where the model runs.") Device device,
        @Key(value = "CPU intra-op threads of the native backend; 0 uses every core.", min = 0) int threads,
        @Key("Recompute each decoder layer's activations in backward instead of keeping them (less memory, ~30% more time).")
                boolean gradientCheckpointing,
        @Key(value = "Rows of hidden states per chunk of the vocabulary projection when computing log-probs; "
                + "bounds the logits held in memory at once.", min = 1) int logprobChunk,
        @Key("While sampling, hold the base weights dequantized (a transient dense copy: 2 bytes per parameter on CUDA) "
                + "so that decode steps do not dequantize again: faster sampling for more memory.")
                boolean denseSampling) {

    public static ModelSection defaults() {
        return new ModelSection(null, WeightMode.NF4, Device.CUDA, 0, true, 256, false);
    }
}
