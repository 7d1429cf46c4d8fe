package dev.sqlrl.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hugging Face tensor names and shapes that a config implies; used to check files before upload, and
 * how each file tensor maps onto the native model's weights (Phi-3's fused projections are split by rows).
 */
public final class WeightLayout {
    private WeightLayout() {}

    /** Rows [firstRow, firstRow + rows) of a file tensor (rows -1: all of it), uploaded as the native weight `nativeName`. */
    public record Part(String nativeName, long firstRow, long rows) {
        public boolean whole() {
            return rows < 0;
        }
    }

    public static Map<String, long[]> expected(ModelConfig c) {
        Map<String, long[]> w = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long ff = c.intermediateSize();
        boolean fused = c.architecture() == ModelConfig.Architecture.PHI3;
        w.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            w.put(p + "input_layernorm.weight", new long[] {h});
            w.put(p + "post_attention_layernorm.weight", new long[] {h});
            if (fused) {
                w.put(p + "self_attn.qkv_proj.weight", new long[] {q + 2 * kv, h});
            } else {
                w.put(p + "self_attn.q_proj.weight", new long[] {q, h});
                w.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
                w.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            }
            w.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            if (c.architecture() == ModelConfig.Architecture.QWEN2) {
                w.put(p + "self_attn.q_proj.bias", new long[] {q});
                w.put(p + "self_attn.k_proj.bias", new long[] {kv});
                w.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            if (c.architecture() == ModelConfig.Architecture.QWEN3) {
                w.put(p + "self_attn.q_norm.weight", new long[] {c.headDim()});
                w.put(p + "self_attn.k_norm.weight", new long[] {c.headDim()});
            }
            if (fused) {
                w.put(p + "mlp.gate_up_proj.weight", new long[] {2 * ff, h});
            } else {
                w.put(p + "mlp.gate_proj.weight", new long[] {ff, h});
                w.put(p + "mlp.up_proj.weight", new long[] {ff, h});
            }
            w.put(p + "mlp.down_proj.weight", new long[] {h, ff});
        }
        w.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) w.put("lm_head.weight", new long[] {c.vocabSize(), h});
        return w;
    }

    /**
     * The native weights a file tensor of {@link #expected} feeds: itself, or for Phi-3's qkv_proj the q, k, v row
     * blocks (transformers slices the fused output in that order) and for gate_up_proj gate then up (its chunk(2)).
     */
    public static List<Part> parts(ModelConfig c, String fileName) {
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long ff = c.intermediateSize();
        if (fileName.endsWith("self_attn.qkv_proj.weight")) {
            String prefix = fileName.substring(0, fileName.length() - "qkv_proj.weight".length());
            return List.of(new Part(prefix + "q_proj.weight", 0, q), new Part(prefix + "k_proj.weight", q, kv),
                    new Part(prefix + "v_proj.weight", q + kv, kv));
        }
        if (fileName.endsWith("mlp.gate_up_proj.weight")) {
            String prefix = fileName.substring(0, fileName.length() - "gate_up_proj.weight".length());
            return List.of(new Part(prefix + "gate_proj.weight", 0, ff), new Part(prefix + "up_proj.weight", ff, ff));
        }
        return List.of(new Part(fileName, 0, -1));
    }
}
