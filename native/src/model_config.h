// The shape of a decoder-only model (Qwen2, Llama, Qwen3, Phi-3) and the Hugging Face weights it expects.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sqlrl {

// The seven linears of a decoder layer, in the order LoRA tensors are listed and the
// SQLRL_LORA_* bits are assigned (bit = 1 << index).
enum Projection : int { kQ = 0, kK, kV, kO, kGate, kUp, kDown, kProjectionCount };

// "self_attn.q_proj", "mlp.gate_proj", ...: the module path inside a decoder layer.
const char* projection_path(int projection);
// "qwen2", "llama", "qwen3", "phi3": for messages.
const char* arch_name(int32_t arch);

// Llama 3's RoPE frequency scaling (rope_type "llama3"); factor 0 = none (plain RoPE).
struct RopeLlama3 {
  double factor = 0;
  double low_freq_factor = 0;
  double high_freq_factor = 0;
  double original_context = 0;  // original_max_position_embeddings
};

struct ModelConfig {
  int32_t arch = 0;
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_layers = 0;
  int64_t num_heads = 0;
  int64_t num_kv_heads = 0;
  int64_t head_dim = 0;  // resolved: never 0 after validate()
  double rope_theta = 0;
  double rms_norm_eps = 0;
  bool tie_word_embeddings = false;
  int32_t weight_mode = 0;
  RopeLlama3 rope_llama3;
  // 0: a query attends every earlier key; else only the last sliding_window positions (itself included),
  // as Mistral's / Phi-3's sliding-window causal mask.
  int64_t sliding_window = 0;

  // Throws InvalidArgument naming the first bad field; resolves head_dim = 0.
  void validate();
  bool has_qkv_bias() const;
  // Qwen3: per-head RMSNorm of q and k (self_attn.q_norm / k_norm, [head_dim]) before RoPE.
  bool has_qk_norm() const;
  // [out, in] of a projection's weight.
  std::vector<int64_t> projection_shape(int projection) const;
};

struct ExpectedWeight {
  std::string name;
  std::vector<int64_t> shape;
};

// Every tensor the model needs, in Hugging Face order (embeddings, layers, final norm, lm_head).
std::vector<ExpectedWeight> expected_weights(const ModelConfig& config);

std::string layer_weight_name(int64_t layer, const std::string& suffix);
std::string shape_string(const std::vector<int64_t>& shape);

}  // namespace sqlrl
