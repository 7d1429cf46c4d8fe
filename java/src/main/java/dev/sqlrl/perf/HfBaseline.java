package dev.sqlrl.perf;

/**
 * Hugging Face transformers + peft on an H100, as measured in DESIGN.md ("Facts"): B = 64 sequences,
 * 384 prompt + 256 new tokens, LoRA r = 16 on all projections, bf16 base. The yardstick the GPU
 * targets are stated against; null for shapes it was not measured on.
 */
public record HfBaseline(double generateTokensPerSecond, double updateTokensPerSecond, double updatePeakGib) {
    public static final String SETTINGS = "HF transformers + peft, H100, B=64, 384 prompt + 256 new tokens, LoRA r=16 all projections, bf16 base";

    public static HfBaseline of(ModelShape shape) {
        return switch (shape) {
            case QWEN2_5_0_5B -> new HfBaseline(1424, 18_600, 6.0);
            case QWEN2_5_1_5B -> new HfBaseline(1113, 14_400, 10.6);
            case QWEN2_5_7B -> new HfBaseline(1086, 6_300, 22.9);
            case TINY -> null;
        };
    }
}
