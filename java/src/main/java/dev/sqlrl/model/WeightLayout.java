package dev.sqlrl.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** The Hugging Face tensor names and shapes that a config implies; used to check files before upload. */
public final class WeightLayout {
    private WeightLayout() {}

    public static Map<String, long[]> expected(ModelConfig c) {
        Map<String, long[]> w = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long ff = c.intermediateSize();
        w.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            w.put(p + "input_layernorm.weight", new long[] {h});
            w.put(p + "post_attention_layernorm.weight", new long[] {h});
            w.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            w.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            w.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            w.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            if (c.architecture() == ModelConfig.Architecture.QWEN2) {
                w.put(p + "self_attn.q_proj.bias", new long[] {q});
                w.put(p + "self_attn.k_proj.bias", new long[] {kv});
                w.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            w.put(p + "mlp.gate_proj.weight", new long[] {ff, h});
            w.put(p + "mlp.up_proj.weight", new long[] {ff, h});
            w.put(p + "mlp.down_proj.weight", new long[] {h, ff});
        }
        w.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) w.put("lm_head.weight", new long[] {c.vocabSize(), h});
        return w;
    }
}
