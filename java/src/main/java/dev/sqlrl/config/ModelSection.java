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
                + "so that decode steps do not dequantize again: faster sampling for more memory. auto does it on CUDA "
                + "when a step samples more than 16 rows (fewer go through the fused NF4 kernel, which reads 4-bit "
                + "weights directly) and the copy fits in free GPU memory with a quarter to spare; measured on an H100: "
                + "7B sampling 1,246 vs 1,042 tokens/s.")
                DenseSamplingSetting denseSampling,
        @Key("Record each generate call's decode step once as a CUDA graph and replay it, so that a step costs one "
                + "launch instead of one host dispatch per operator (H100: 0.5B sampling 9,878 vs 2,377 tokens/s). Off "
                + "by default until the GPU check that graph replay gives the eager tokens has run; ignored on the CPU.")
                boolean cudaGraphs) {

    public static ModelSection defaults() {
        return new ModelSection(null, WeightMode.NF4, Device.CUDA, 0, true, 256, DenseSamplingSetting.AUTO, false);
    }
}
