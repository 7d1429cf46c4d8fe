package dev.sqlrl.config;

import dev.sqlrl.model.DecodeStep;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.WeightMode;
import java.nio.file.Path;

/** The base model and how native code holds and runs it. */
public record ModelSection(
        @Key(value = "Hugging Face model folder (config.json, *.safetensors, tokenizer.json).", required = true) Path path,
        @Key(value = "How the frozen base weights are stored: nf4 is QLoRA's 4-bit format; fp32 for tests.",
                defaultValue = "nf4") WeightMode weights,
        @Key(value = "Where the model runs.", defaultValue = "cuda") Device device,
        @Key(value = "CPU intra-op threads of the native backend; 0 uses every core.", defaultValue = "0", min = 0)
                int threads,
        @Key(value = "Recompute each decoder layer's activations in backward instead of keeping them (less memory, ~30% "
                + "more time).", defaultValue = "true") boolean gradientCheckpointing,
        @Key(value = "Rows of hidden states per chunk of the vocabulary projection when computing log-probs; "
                + "bounds the logits held in memory at once.", defaultValue = "256", min = 1) int logprobChunk,
        @Key(value = "While sampling, hold the base weights dequantized (a transient dense copy: 2 bytes per parameter "
                + "on CUDA) so that decode steps do not dequantize again: faster sampling for more memory. auto does it "
                + "on CUDA when a step samples more than 16 rows (fewer go through the fused NF4 kernel, which reads "
                + "4-bit weights directly) and the copy fits in free GPU memory with a quarter to spare; measured on an "
                + "H100: 7B sampling 1,246 vs 1,042 tokens/s.", defaultValue = "auto")
                DenseSamplingSetting denseSampling,
        @Key(value = "Record each generate call's decode step once as a CUDA graph and replay it, so that a step costs one "
                + "launch instead of one host dispatch per operator (H100: 0.5B sampling 9,878 vs 2,377 tokens/s). Off "
                + "by default until the GPU check that graph replay gives the eager tokens has run; ignored on the CPU.",
                defaultValue = "false") boolean cudaGraphs,
        @Key(value = "The decode step: fused runs the norms, RoPE with the K/V store, attention and the SwiGLU gate as one "
                + "call each (23 operators per layer instead of ~95) and lets a prompt's samples read its one prefill; "
                + "plain is the tensor-op step. Same completions up to floating-point summation order. auto is fused on "
                + "the CPU and plain on CUDA until the fused step's CUDA kernels have been verified on a GPU.",
                defaultValue = "auto") DecodeStep decodeStep) {

    public static ModelSection defaults() {
        return KeyDefaults.of(ModelSection.class);
    }
}
