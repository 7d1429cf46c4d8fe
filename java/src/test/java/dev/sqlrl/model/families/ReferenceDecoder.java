package dev.sqlrl.model.families;

import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.RopeScaling;
import java.util.Map;

/**
 * The forward pass of each family written out in double precision from transformers' modeling code
 * (modeling_llama / qwen3 / mistral / phi3 and modeling_rope_utils), one sequence at a time, without adapters:
 * the oracle the native model is held to until the transformers fixtures exist.
 * <ul>
 *   <li>Qwen3: q_norm / k_norm (RMSNorm over head_dim) on q and k per head, after the projection and before RoPE.</li>
 *   <li>Phi-3: qkv = qkv_proj(h); q, k, v = its first H*d, next KV*d, last KV*d columns; gate, up = gate_up_proj(h).chunk(2).</li>
 *   <li>Mistral / Phi-3: key j visible from query i iff i - window < j <= i.</li>
 *   <li>Llama 3 RoPE: _compute_llama3_parameters (see {@link #inverseFrequencies}).</li>
 * </ul>
 */
final class ReferenceDecoder {
    private final ModelConfig c;
    private final Map<String, float[]> w;

    ReferenceDecoder(ModelConfig config, Map<String, float[]> weights) {
        this.c = config;
        this.w = weights;
    }

    /** transformers' default inverse frequencies, then Llama 3's scaling when the config has it. */
    static double[] inverseFrequencies(int headDim, double theta, RopeScaling s) {
        double[] inv = new double[headDim / 2];
        for (int i = 0; i < inv.length; i++) inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
        if (s == null) return inv;
        double lowFreqWavelen = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
        double highFreqWavelen = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen < highFreqWavelen) continue;                      // high frequencies: unchanged
            if (wavelen > lowFreqWavelen) {                               // low frequencies: divided by factor
                inv[i] /= s.factor();
                continue;
            }
            double smooth = (s.originalMaxPositionEmbeddings() / wavelen - s.lowFreqFactor())
                    / (s.highFreqFactor() - s.lowFreqFactor());
            inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
        }
        return inv;
    }

    /** Logits [position][vocab] of one sequence. */
    double[][] logits(int[] tokens) {
        int t = tokens.length, hidden = c.hiddenSize(), d = c.headDim(), heads = c.numHeads(), kvHeads = c.numKvHeads();
        double[][] x = new double[t][];
        for (int p = 0; p < t; p++) x[p] = row(w.get("model.embed_tokens.weight"), tokens[p], hidden);
        double[] inv = inverseFrequencies(d, c.ropeTheta(), c.ropeScaling());
        boolean phi3 = c.architecture() == ModelConfig.Architecture.PHI3;
        for (int layer = 0; layer < c.numLayers(); layer++) {
            String p = "model.layers." + layer + ".";
            double[][] q = new double[t][], k = new double[t][], v = new double[t][];
            for (int i = 0; i < t; i++) {
                double[] h = rmsNorm(x[i], w.get(p + "input_layernorm.weight"));
                if (phi3) {
                    double[] qkv = matvec(w.get(p + "self_attn.qkv_proj.weight"), h);
                    q[i] = slice(qkv, 0, heads * d);
                    k[i] = slice(qkv, heads * d, kvHeads * d);
                    v[i] = slice(qkv, heads * d + kvHeads * d, kvHeads * d);
                } else {
                    q[i] = add(matvec(w.get(p + "self_attn.q_proj.weight"), h), w.get(p + "self_attn.q_proj.bias"));
                    k[i] = add(matvec(w.get(p + "self_attn.k_proj.weight"), h), w.get(p + "self_attn.k_proj.bias"));
                    v[i] = add(matvec(w.get(p + "self_attn.v_proj.weight"), h), w.get(p + "self_attn.v_proj.bias"));
                }
                if (c.architecture() == ModelConfig.Architecture.QWEN3) {
                    perHeadNorm(q[i], d, w.get(p + "self_attn.q_norm.weight"));
                    perHeadNorm(k[i], d, w.get(p + "self_attn.k_norm.weight"));
                }
                rope(q[i], d, i, inv);
                rope(k[i], d, i, inv);
            }
            for (int i = 0; i < t; i++) {
                double[] attended = new double[heads * d];
                for (int head = 0; head < heads; head++) {
                    int kvHead = head / (heads / kvHeads);
                    int first = c.slidingWindow() > 0 ? Math.max(0, i - c.slidingWindow() + 1) : 0;
                    double[] scores = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = first; j <= i; j++) {
                        double s = 0;
                        for (int e = 0; e < d; e++) s += q[i][head * d + e] * k[j][kvHead * d + e];
                        scores[j] = s / Math.sqrt(d);
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = first; j <= i; j++) sum += scores[j] = Math.exp(scores[j] - max);
                    for (int j = first; j <= i; j++) {
                        for (int e = 0; e < d; e++) attended[head * d + e] += scores[j] / sum * v[j][kvHead * d + e];
                    }
                }
                x[i] = add(x[i], matvec(w.get(p + "self_attn.o_proj.weight"), attended));
            }
            for (int i = 0; i < t; i++) {
                double[] h = rmsNorm(x[i], w.get(p + "post_attention_layernorm.weight"));
                double[] gate, up;
                if (phi3) {
                    double[] gateUp = matvec(w.get(p + "mlp.gate_up_proj.weight"), h);
                    gate = slice(gateUp, 0, gateUp.length / 2);
                    up = slice(gateUp, gateUp.length / 2, gateUp.length / 2);
                } else {
                    gate = matvec(w.get(p + "mlp.gate_proj.weight"), h);
                    up = matvec(w.get(p + "mlp.up_proj.weight"), h);
                }
                for (int e = 0; e < gate.length; e++) gate[e] = gate[e] / (1 + Math.exp(-gate[e])) * up[e];
                x[i] = add(x[i], matvec(w.get(p + "mlp.down_proj.weight"), gate));
            }
        }
        float[] head = c.tieWordEmbeddings() ? w.get("model.embed_tokens.weight") : w.get("lm_head.weight");
        double[][] logits = new double[t][];
        for (int i = 0; i < t; i++) logits[i] = matvec(head, rmsNorm(x[i], w.get("model.norm.weight")));
        return logits;
    }

    private double[] rmsNorm(double[] x, float[] weight) {
        double ms = 0;
        for (double v : x) ms += v * v;
        double scale = 1 / Math.sqrt(ms / x.length + c.rmsNormEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = weight[i] * x[i] * scale;
        return out;
    }

    private void perHeadNorm(double[] x, int d, float[] weight) {
        for (int head = 0; head < x.length / d; head++) {
            double[] normed = rmsNorm(slice(x, head * d, d), weight);
            System.arraycopy(normed, 0, x, head * d, d);
        }
    }

    /** rotate_half RoPE: pairs (e, e + d/2) of every head turned by position * inv_freq[e]. */
    private static void rope(double[] x, int d, int position, double[] inv) {
        for (int head = 0; head < x.length / d; head++) {
            for (int e = 0; e < d / 2; e++) {
                double cos = Math.cos(position * inv[e]), sin = Math.sin(position * inv[e]);
                int a = head * d + e, b = a + d / 2;
                double xa = x[a], xb = x[b];
                x[a] = xa * cos - xb * sin;
                x[b] = xb * cos + xa * sin;
            }
        }
    }

    private static double[] matvec(float[] m, double[] x) {
        double[] out = new double[m.length / x.length];
        for (int r = 0; r < out.length; r++) {
            double s = 0;
            for (int i = 0; i < x.length; i++) s += m[r * x.length + i] * x[i];
            out[r] = s;
        }
        return out;
    }

    private static double[] row(float[] m, int r, int cols) {
        double[] out = new double[cols];
        for (int i = 0; i < cols; i++) out[i] = m[r * cols + i];
        return out;
    }

    private static double[] slice(double[] x, int from, int length) {
        double[] out = new double[length];
        System.arraycopy(x, from, out, 0, length);
        return out;
    }

    private static double[] add(double[] x, float[] bias) {
        if (bias == null) return x;
        for (int i = 0; i < x.length; i++) x[i] += bias[i];
        return x;
    }

    private static double[] add(double[] x, double[] y) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] + y[i];
        return out;
    }
}
