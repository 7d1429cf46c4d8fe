#include "model_config.h"

#include "api_guard.h"

namespace sqlrl {

const char* projection_path(int projection) {
  static const char* const kPaths[kProjectionCount] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                                                       "self_attn.o_proj", "mlp.gate_proj",    "mlp.up_proj",
                                                       "mlp.down_proj"};
  return kPaths[projection];
}

const char* arch_name(int32_t arch) {
  switch (arch) {
    case SQLRL_ARCH_QWEN2: return "qwen2";
    case SQLRL_ARCH_LLAMA: return "llama";
    case SQLRL_ARCH_QWEN3: return "qwen3";
    case SQLRL_ARCH_PHI3: return "phi3";
    default: return "unknown architecture";
  }
}

static void check_positive(int64_t value, const char* field) {
  check_arg(value > 0, std::string(field) + " must be > 0, got " + std::to_string(value));
}

void ModelConfig::validate() {
  check_arg(arch == SQLRL_ARCH_QWEN2 || arch == SQLRL_ARCH_LLAMA || arch == SQLRL_ARCH_QWEN3 || arch == SQLRL_ARCH_PHI3,
            "arch must be SQLRL_ARCH_QWEN2 (0), LLAMA (1), QWEN3 (2) or PHI3 (3), got " + std::to_string(arch));
  check_positive(vocab_size, "vocab_size");
  check_positive(hidden_size, "hidden_size");
  check_positive(intermediate_size, "intermediate_size");
  check_positive(num_layers, "num_layers");
  check_positive(num_heads, "num_heads");
  check_positive(num_kv_heads, "num_kv_heads");
  check_arg(head_dim >= 0, "head_dim must be >= 0 (0 = hidden_size / num_heads), got " + std::to_string(head_dim));
  if (head_dim == 0) {
    check_arg(hidden_size % num_heads == 0, "hidden_size " + std::to_string(hidden_size) +
                                                " is not divisible by num_heads " + std::to_string(num_heads) +
                                                "; pass head_dim explicitly");
    head_dim = hidden_size / num_heads;
  }
  check_arg(head_dim % 2 == 0, "head_dim must be even for rotary embeddings, got " + std::to_string(head_dim));
  check_arg(num_heads % num_kv_heads == 0, "num_heads " + std::to_string(num_heads) +
                                               " must be a multiple of num_kv_heads " + std::to_string(num_kv_heads));
  check_arg(rope_theta > 0, "rope_theta must be > 0, got " + std::to_string(rope_theta));
  check_arg(rms_norm_eps > 0, "rms_norm_eps must be > 0, got " + std::to_string(rms_norm_eps));
  check_arg(weight_mode == SQLRL_WEIGHTS_FP32 || weight_mode == SQLRL_WEIGHTS_BF16 || weight_mode == SQLRL_WEIGHTS_NF4,
            "weight_mode must be SQLRL_WEIGHTS_FP32 (0), BF16 (1) or NF4 (2), got " + std::to_string(weight_mode));
}

bool ModelConfig::has_qkv_bias() const { return arch == SQLRL_ARCH_QWEN2; }

bool ModelConfig::has_qk_norm() const { return arch == SQLRL_ARCH_QWEN3; }

std::vector<int64_t> ModelConfig::projection_shape(int projection) const {
  switch (projection) {
    case kQ: return {num_heads * head_dim, hidden_size};
    case kK:
    case kV: return {num_kv_heads * head_dim, hidden_size};
    case kO: return {hidden_size, num_heads * head_dim};
    case kGate:
    case kUp: return {intermediate_size, hidden_size};
    default: return {hidden_size, intermediate_size};
  }
}

std::string layer_weight_name(int64_t layer, const std::string& suffix) {
  return "model.layers." + std::to_string(layer) + "." + suffix;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::vector<ExpectedWeight> expected_weights(const ModelConfig& config) {
  std::vector<ExpectedWeight> weights;
  weights.push_back({"model.embed_tokens.weight", {config.vocab_size, config.hidden_size}});
  for (int64_t layer = 0; layer < config.num_layers; ++layer) {
    weights.push_back({layer_weight_name(layer, "input_layernorm.weight"), {config.hidden_size}});
    for (int p = 0; p < kProjectionCount; ++p) {
      std::vector<int64_t> shape = config.projection_shape(p);
      weights.push_back({layer_weight_name(layer, std::string(projection_path(p)) + ".weight"), shape});
      if (config.has_qkv_bias() && (p == kQ || p == kK || p == kV)) {
        weights.push_back({layer_weight_name(layer, std::string(projection_path(p)) + ".bias"), {shape[0]}});
      }
    }
    if (config.has_qk_norm()) {
      weights.push_back({layer_weight_name(layer, "self_attn.q_norm.weight"), {config.head_dim}});
      weights.push_back({layer_weight_name(layer, "self_attn.k_norm.weight"), {config.head_dim}});
    }
    weights.push_back({layer_weight_name(layer, "post_attention_layernorm.weight"), {config.hidden_size}});
  }
  weights.push_back({"model.norm.weight", {config.hidden_size}});
  if (!config.tie_word_embeddings) weights.push_back({"lm_head.weight", {config.vocab_size, config.hidden_size}});
  return weights;
}

}  // namespace sqlrl
