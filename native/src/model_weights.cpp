// Uploading Hugging Face weights into a model and making it ready (conversion, NF4 quantization).
#include <cstring>

#include "api_guard.h"
#include "model.h"
#include "nf4_codec.h"
#include "rope.h"

namespace sqlrl {

static at::ScalarType host_dtype(int32_t dtype) {
  switch (dtype) {
    case SQLRL_DTYPE_F32: return at::kFloat;
    case SQLRL_DTYPE_BF16: return at::kBFloat16;
    case SQLRL_DTYPE_F16: return at::kHalf;
    default:
      throw InvalidArgument("dtype must be SQLRL_DTYPE_F32 (0), BF16 (1) or F16 (2), got " + std::to_string(dtype));
  }
}

// The expected weight of that name, or InvalidArgument saying why the name is wrong.
static ExpectedWeight expected_weight(const Model& model, const std::string& name) {
  for (const ExpectedWeight& weight : expected_weights(model.config)) {
    if (weight.name == name) return weight;
  }
  std::string why = name == "lm_head.weight" ? " (the model ties word embeddings: lm_head is model.embed_tokens)"
                    : name.find("_proj.bias") != std::string::npos && !model.config.has_qkv_bias()
                        ? std::string(" (") + arch_name(model.config.arch) + " has no projection biases)"
                        : "";
  throw InvalidArgument("unknown weight name '" + name + "'" + why);
}

static std::vector<int64_t> checked_shape(const std::string& name, const ExpectedWeight& expected,
                                          const int64_t* shape, int32_t ndim) {
  check_arg(ndim >= 1 && ndim <= 8, "weight '" + name + "': ndim must be in 1..8, got " + std::to_string(ndim));
  check_arg(shape != nullptr, "weight '" + name + "': shape is null");
  std::vector<int64_t> given(shape, shape + ndim);
  check_arg(given == expected.shape, "weight '" + name + "': expected shape " + shape_string(expected.shape) +
                                         ", got " + shape_string(given));
  return given;
}

static bool is_projection_weight(const std::string& name) {
  for (int p = 0; p < kProjectionCount; ++p) {
    std::string suffix = std::string(projection_path(p)) + ".weight";
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) return true;
  }
  return false;
}

void stage_weight(Model& model, const std::string& name, const void* data, int32_t dtype, const int64_t* shape,
                  int32_t ndim) {
  if (model.finalized) throw BadState("cannot set weight '" + name + "': the model is already finalized");
  at::ScalarType scalar_type = host_dtype(dtype);
  std::vector<int64_t> given = checked_shape(name, expected_weight(model, name), shape, ndim);
  check_arg(data != nullptr, "weight '" + name + "': data is null");
  // Kept in the dtype it came in (no fp32 copy of a bf16 checkpoint) until finalize converts it.
  model.staged[name] = at::from_blob(const_cast<void*>(data), given, scalar_type).clone();
  model.staged_nf4.erase(name);
}

void stage_nf4_weight(Model& model, const std::string& name, const uint8_t* codes, const float* absmax,
                      const float* code_book, int32_t block, const int64_t* shape, int32_t ndim) {
  if (model.finalized) throw BadState("cannot set weight '" + name + "': the model is already finalized");
  std::vector<int64_t> given = checked_shape(name, expected_weight(model, name), shape, ndim);
  check_arg(is_projection_weight(name), "weight '" + name + "': only decoder linears (q/k/v/o/gate/up/down_proj) "
                                        "can be uploaded 4-bit quantized");
  check_arg(block == kNf4BlockSize, "weight '" + name + "': 4-bit blocksize must be " +
                                        std::to_string(kNf4BlockSize) + ", got " + std::to_string(block));
  check_not_null(codes, "codes");
  check_not_null(absmax, "absmax");
  check_not_null(code_book, "code_book");
  for (int i = 0; i < 16; ++i) {
    if (code_book[i] != nf4::kCodebook[i]) {
      throw InvalidArgument("weight '" + name + "': its 4-bit code table is not NF4's (entry " + std::to_string(i) + " is " +
                        std::to_string(code_book[i]) + ", NF4 has " + std::to_string(nf4::kCodebook[i]) + ")");
    }
  }
  int64_t n = given[0] * given[1];
  check_arg(n % kNf4BlockSize == 0, "weight '" + name + "': 4-bit weights need a multiple of " +
                                        std::to_string(kNf4BlockSize) + " values, got " + std::to_string(n));
  StagedNf4 staged;
  staged.codes = at::from_blob(const_cast<uint8_t*>(codes), {n / 2}, at::kByte).clone();
  staged.absmax = at::from_blob(const_cast<float*>(absmax), {n / kNf4BlockSize}, at::kFloat).clone();
  staged.shape = given;
  model.staged_nf4[name] = std::move(staged);
  model.staged.erase(name);
}

static at::Tensor take(Model& model, const std::string& name) {
  at::Tensor tensor = std::move(model.staged.at(name));
  model.staged.erase(name);
  return tensor;
}

void finalize_model(Model& model) {
  if (model.finalized) throw BadState("the model is already finalized");
  for (const ExpectedWeight& weight : expected_weights(model.config)) {
    if (!model.staged.count(weight.name) && !model.staged_nf4.count(weight.name)) {
      throw BadState("cannot finalize: weight '" + weight.name + "' " + shape_string(weight.shape) + " was not set");
    }
  }
  const ModelConfig& config = model.config;
  at::TensorOptions dense_options = at::TensorOptions(model.device).dtype(model.compute_dtype);
  at::TensorOptions norm_options = at::TensorOptions(model.device).dtype(at::kFloat);
  model.embed_tokens = take(model, "model.embed_tokens.weight").to(dense_options);
  model.lm_head = config.tie_word_embeddings ? model.embed_tokens : take(model, "lm_head.weight").to(dense_options);
  model.final_norm = take(model, "model.norm.weight").to(norm_options);
  model.layers.clear();
  model.layers.resize(config.num_layers);
  for (int64_t layer = 0; layer < config.num_layers; ++layer) {
    DecoderLayerWeights& weights = model.layers[layer];
    weights.input_norm = take(model, layer_weight_name(layer, "input_layernorm.weight")).to(norm_options);
    weights.post_attention_norm =
        take(model, layer_weight_name(layer, "post_attention_layernorm.weight")).to(norm_options);
    for (int p = 0; p < kProjectionCount; ++p) {
      std::string path = layer_weight_name(layer, projection_path(p));
      auto quantized = model.staged_nf4.find(path + ".weight");
      if (quantized != model.staged_nf4.end()) {
        const StagedNf4& q = quantized->second;
        weights.projections[p] = FrozenLinear::from_nf4(q.codes, q.absmax, q.shape[0], q.shape[1], config.weight_mode,
                                                        model.device, model.compute_dtype);
        model.staged_nf4.erase(quantized);
      } else {
        weights.projections[p] = FrozenLinear(path + ".weight", take(model, path + ".weight"), config.weight_mode,
                                              model.double_quant, model.device, model.compute_dtype);
      }
      if (config.has_qkv_bias() && (p == kQ || p == kK || p == kV)) {
        weights.biases[p] = take(model, path + ".bias").to(dense_options);
      }
    }
    if (config.has_qk_norm()) {
      weights.q_norm = take(model, layer_weight_name(layer, "self_attn.q_norm.weight")).to(norm_options);
      weights.k_norm = take(model, layer_weight_name(layer, "self_attn.k_norm.weight")).to(norm_options);
    }
  }
  model.rope_inv_freq = rope_inverse_frequencies(config.head_dim, config.rope_theta, config.rope_llama3).to(model.device);
  model.staged.clear();
  model.staged_nf4.clear();
  model.finalized = true;
}

// HF's initializer_range: the spread of every random matrix, so that activations stay O(1) through the layers.
static constexpr double kRandomStd = 0.02;

void finalize_random(Model& model, uint64_t seed) {
  if (model.finalized) throw BadState("the model is already finalized");
  if (!model.staged.empty() || !model.staged_nf4.empty()) {
    std::string first = model.staged.empty() ? model.staged_nf4.begin()->first : model.staged.begin()->first;
    throw BadState("random weights replace all weights, but '" + first + "' was uploaded");
  }
  const ModelConfig& config = model.config;
  at::Generator generator = seeded_generator(model.device, seed);
  at::TensorOptions dense_options = at::TensorOptions(model.device).dtype(model.compute_dtype);
  at::TensorOptions fp32_on_device = at::TensorOptions(model.device).dtype(at::kFloat);
  auto normal = [&](std::vector<int64_t> shape) {
    return (at::randn(shape, generator, fp32_on_device) * kRandomStd).to(dense_options);
  };
  model.embed_tokens = normal({config.vocab_size, config.hidden_size});
  model.lm_head = config.tie_word_embeddings ? model.embed_tokens : normal({config.vocab_size, config.hidden_size});
  model.final_norm = at::ones({config.hidden_size}, fp32_on_device);
  model.layers.clear();
  model.layers.resize(config.num_layers);
  for (DecoderLayerWeights& weights : model.layers) {
    weights.input_norm = at::ones({config.hidden_size}, fp32_on_device);
    weights.post_attention_norm = at::ones({config.hidden_size}, fp32_on_device);
    for (int p = 0; p < kProjectionCount; ++p) {
      std::vector<int64_t> shape = config.projection_shape(p);
      weights.projections[p] = FrozenLinear::random(shape[0], shape[1], config.weight_mode, model.double_quant,
                                                    model.device, model.compute_dtype, generator, kRandomStd);
      if (config.has_qkv_bias() && (p == kQ || p == kK || p == kV)) weights.biases[p] = normal({shape[0]});
    }
    if (config.has_qk_norm()) {
      weights.q_norm = at::ones({config.head_dim}, fp32_on_device);
      weights.k_norm = at::ones({config.head_dim}, fp32_on_device);
    }
  }
  model.rope_inv_freq = rope_inverse_frequencies(config.head_dim, config.rope_theta, config.rope_llama3).to(model.device);
  model.finalized = true;
}

int64_t weight_bytes(const Model& model) {
  auto size = [](const at::Tensor& t) { return t.defined() ? t.numel() * static_cast<int64_t>(t.element_size()) : 0; };
  int64_t total = size(model.embed_tokens) + size(model.final_norm);
  if (!model.config.tie_word_embeddings) total += size(model.lm_head);
  for (const DecoderLayerWeights& layer : model.layers) {
    total += size(layer.input_norm) + size(layer.post_attention_norm) + size(layer.q_norm) + size(layer.k_norm);
    for (int p = 0; p < kProjectionCount; ++p) total += layer.projections[p].bytes() + size(layer.biases[p]);
  }
  return total;
}

}  // namespace sqlrl
