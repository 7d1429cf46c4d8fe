// The shape of a decoder-only model (Qwen2 or Llama) and the Hugging Face weights it expects.
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

  // Throws InvalidArgument naming the first bad field; resolves head_dim = 0.
  void validate();
  bool has_qkv_bias() const;
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
