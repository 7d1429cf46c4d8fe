// The decoder blocks as Hugging Face's Qwen2 / Llama / Qwen3 / Mistral / Phi-3 modeling code computes them:
// RMSNorm in fp32, rotate-half RoPE, grouped-query attention (optionally within a sliding window), SwiGLU MLP,
// each linear with its optional LoRA.
#include <mutex>

#include "model.h"
#include "torch_compat.h"

namespace sqlrl {

at::Generator seeded_generator(const at::Device& device, uint64_t seed) {
  at::Generator device_default = at::globalContext().defaultGenerator(device);  // a handle to the shared one
  at::Generator generator;
  {
    std::lock_guard<std::mutex> lock(device_default.mutex());
    generator = device_default.clone();
  }
  generator.set_current_seed(seed);
  return generator;
}

at::Tensor embed(const Model& model, const at::Tensor& tokens) { return at::embedding(model.embed_tokens, tokens); }

static at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  at::Tensor x32 = x.to(at::kFloat);
  at::Tensor normalized = x32 * at::rsqrt(x32.pow(2).mean(-1, true) + eps);
  return (weight * normalized).to(x.scalar_type());
}

at::Tensor final_rms_norm(const Model& model, const at::Tensor& x) {
  return rms_norm(x, model.final_norm, model.config.rms_norm_eps);
}

static void rope_tables(const Model& model, const at::Tensor& positions, Positions& out) {
  // positions [B, T] -> [B, 1, T, head_dim] with the frequencies repeated over both halves.
  at::Tensor freqs = positions.to(at::kFloat).unsqueeze(-1) * model.rope_inv_freq;
  at::Tensor angles = at::cat({freqs, freqs}, -1).unsqueeze(1);
  out.cos = angles.cos().to(model.compute_dtype);
  out.sin = angles.sin().to(model.compute_dtype);
}

Positions causal_positions(const Model& model, int64_t length) {
  Positions out;
  at::TensorOptions on_device = at::TensorOptions(model.device);
  rope_tables(model, at::arange(length, on_device.dtype(at::kLong)).unsqueeze(0), out);
  at::Tensor allowed = at::ones({length, length}, on_device.dtype(at::kBool)).tril();
  // transformers' sliding_window_overlay: key j is visible from query i when j > i - window.
  if (model.config.sliding_window > 0) allowed = allowed.triu(1 - model.config.sliding_window);
  out.allowed = allowed.view({1, 1, length, length});
  out.causal = model.config.sliding_window == 0;
  return out;
}

Positions cached_positions(const Model& model, const at::Tensor& positions, int64_t key_count) {
  Positions out;
  rope_tables(model, positions, out);
  at::Tensor keys = at::arange(key_count, at::TensorOptions(model.device).dtype(at::kLong)).view({1, 1, 1, key_count});
  at::Tensor query = positions.unsqueeze(1).unsqueeze(-1);
  out.allowed = keys <= query;
  if (model.config.sliding_window > 0) out.allowed = out.allowed.logical_and(keys > query - model.config.sliding_window);
  return out;
}

static at::Tensor rotate_half(const at::Tensor& x) {
  int64_t half = x.size(-1) / 2;
  return at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

static at::Tensor apply_rope(const at::Tensor& x, const Positions& positions) {
  return x * positions.cos + rotate_half(x) * positions.sin;
}

// Grouped-query attention without copying K/V (Hugging Face's repeat_kv would make heads / kv_heads copies
// of the cache per layer and step): kv head j serves the consecutive query heads j*G .. j*G+G-1, so q
// [B, H, T, D] regrouped as [B, kv, G*T, D] (row g*T + t) attends k, v [B, kv, S, D] directly, each row
// under its query position's mask.
static at::Tensor grouped_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                    const Positions& positions) {
  if (positions.causal && compat::kCausalAttention) return compat::causal_attention(q, k, v);
  const at::Tensor& allowed = positions.allowed;
  int64_t batch = q.size(0), heads = q.size(1), length = q.size(2), head_dim = q.size(3), kv_heads = k.size(1);
  if (heads == kv_heads) return compat::attention(q, k, v, allowed);
  int64_t group = heads / kv_heads;
  at::Tensor grouped_q = q.reshape({batch, kv_heads, group * length, head_dim});
  // One query per row (decode): the [B, 1, 1, S] mask broadcasts over the group as it is.
  at::Tensor grouped_allowed = length == 1 ? allowed : allowed.repeat({1, 1, group, 1});
  return compat::attention(grouped_q, k, v, grouped_allowed).reshape({batch, heads, length, head_dim});
}

namespace {
// One layer's linears, with the layer's adapters and dropout draws.
struct LayerLinears {
  const Model& model;
  int64_t layer;
  const ForwardMode& mode;
  at::Generator* dropout_generator;

  at::Tensor operator()(int projection, const at::Tensor& x) const {
    const DecoderLayerWeights& weights = model.layers[layer];
    at::Tensor y = weights.projections[projection].apply(x, weights.biases[projection], model.tensor_core_gemm);
    if (!mode.adapters) return y;
    at::Tensor delta = mode.inference_lora != nullptr ? mode.inference_lora->delta(layer, projection, x)
                                                      : model.lora->delta(layer, projection, x, dropout_generator);
    return delta.defined() ? y + delta : y;
  }
};
}  // namespace

at::Tensor decoder_layer(const Model& model, int64_t layer, const at::Tensor& x, const Positions& positions,
                         const ForwardMode& mode, KvCache* cache, const at::Tensor& cache_index, int64_t key_count) {
  const ModelConfig& config = model.config;
  const DecoderLayerWeights& weights = model.layers[layer];
  std::optional<at::Generator> generator;
  if (mode.adapters && mode.dropout) generator = seeded_generator(model.device, mode.dropout_seed + layer);
  LayerLinears linear{model, layer, mode, generator ? &*generator : nullptr};

  int64_t batch = x.size(0), length = x.size(1);
  int64_t heads = config.num_heads, kv_heads = config.num_kv_heads, head_dim = config.head_dim;
  at::Tensor h = rms_norm(x, weights.input_norm, config.rms_norm_eps);
  at::Tensor q = linear(kQ, h).view({batch, length, heads, head_dim});
  at::Tensor k = linear(kK, h).view({batch, length, kv_heads, head_dim});
  if (config.has_qk_norm()) {  // Qwen3: each head normalized before RoPE
    q = rms_norm(q, weights.q_norm, config.rms_norm_eps);
    k = rms_norm(k, weights.k_norm, config.rms_norm_eps);
  }
  q = q.transpose(1, 2);
  k = k.transpose(1, 2);
  at::Tensor v = linear(kV, h).view({batch, length, kv_heads, head_dim}).transpose(1, 2);
  q = apply_rope(q, positions);
  k = apply_rope(k, positions);
  if (cache != nullptr) {
    at::Tensor index = cache_index.view({batch, 1, length, 1}).expand({batch, kv_heads, length, head_dim});
    cache->keys[layer].scatter_(2, index, k);
    cache->values[layer].scatter_(2, index, v);
    k = cache->keys[layer].narrow(2, 0, key_count);
    v = cache->values[layer].narrow(2, 0, key_count);
  }
  at::Tensor attended = grouped_attention(q, k, v, positions).transpose(1, 2).reshape({batch, length, heads * head_dim});
  at::Tensor residual = x + linear(kO, attended);
  h = rms_norm(residual, weights.post_attention_norm, config.rms_norm_eps);
  at::Tensor mlp = linear(kDown, at::silu(linear(kGate, h)) * linear(kUp, h));
  return residual + mlp;
}

at::Tensor vocab_logits(const Model& model, const at::Tensor& rows) {
  return at::linear(rows, model.lm_head).to(at::kFloat);
}

at::Tensor forward_hidden(const Model& model, const at::Tensor& tokens, const ForwardMode& mode) {
  at::Tensor x = embed(model, tokens);
  Positions positions = causal_positions(model, tokens.size(1));
  for (int64_t layer = 0; layer < model.config.num_layers; ++layer) x = decoder_layer(model, layer, x, positions, mode);
  return final_rms_norm(model, x);
}

}  // namespace sqlrl
