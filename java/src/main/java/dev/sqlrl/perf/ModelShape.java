package dev.sqlrl.perf;

import dev.sqlrl.UserInputException;
import dev.sqlrl.model.ModelConfig;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The model shapes the benchmarks build with random weights (no files): Qwen2.5's published
 * dimensions, and a tiny one that a CPU test can afford.
 */
public enum ModelShape {
    TINY("tiny", 2048, 128, 352, 4, 4, 2, true),
    QWEN2_5_0_5B("qwen2.5-0.5b", 151936, 896, 4864, 24, 14, 2, true),
    QWEN2_5_1_5B("qwen2.5-1.5b", 151936, 1536, 8960, 28, 12, 2, true),
    QWEN2_5_7B("qwen2.5-7b", 152064, 3584, 18944, 28, 28, 4, false);

    public final String id;
    private final int vocab;
    private final int hidden;
    private final int intermediate;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final boolean tiedEmbeddings;

    ModelShape(String id, int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads,
               boolean tiedEmbeddings) {
        this.id = id;
        this.vocab = vocab;
        this.hidden = hidden;
        this.intermediate = intermediate;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.tiedEmbeddings = tiedEmbeddings;
    }

    /** Qwen2 layout (q/k/v biases), rope theta 1e6 and RMSNorm eps 1e-6 as Qwen2.5 ships them. */
    public ModelConfig config() {
        return new ModelConfig(ModelConfig.Architecture.QWEN2, vocab, hidden, intermediate, layers, heads, kvHeads,
                hidden / heads, 1_000_000.0, 1e-6, tiedEmbeddings, List.of(), null);
    }

    public static ModelShape parse(String id) {
        for (ModelShape shape : values()) {
            if (shape.id.equals(id)) return shape;
        }
        throw new UserInputException("unknown shape '" + id + "' (" + ids() + ")");
    }

    public static String ids() {
        return Arrays.stream(values()).map(s -> s.id).collect(Collectors.joining(", "));
    }
}
