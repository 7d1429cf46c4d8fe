// Uploading Hugging Face weights into a model and making it ready (conversion, NF4 quantization).
#include "api_guard.h"
#include "model.h"

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

void stage_weight(Model& model, const std::string& name, const void* data, int32_t dtype, const int64_t* shape,
                  int32_t ndim) {
  if (model.finalized) throw BadState("cannot set weight '" + name + "': the model is already finalized");
  at::ScalarType scalar_type = host_dtype(dtype);
  const ExpectedWeight* expected = nullptr;
  std::vector<ExpectedWeight> all = expected_weights(model.config);
  for (const ExpectedWeight& weight : all) {
    if (weight.name == name) expected = &weight;
  }
  if (expected == nullptr) {
    std::string why = name == "lm_head.weight" ? " (the model ties word embeddings: lm_head is model.embed_tokens)"
                      : name.find("_proj.bias") != std::string::npos && !model.config.has_qkv_bias()
                          ? " (llama has no projection biases)"
                          : "";
    throw InvalidArgument("unknown weight name '" + name + "'" + why);
  }
  check_arg(ndim >= 1 && ndim <= 8, "weight '" + name + "': ndim must be in 1..8, got " + std::to_string(ndim));
  check_arg(shape != nullptr, "weight '" + name + "': shape is null");
  std::vector<int64_t> given(shape, shape + ndim);
  check_arg(given == expected->shape, "weight '" + name + "': expected shape " + shape_string(expected->shape) +
                                          ", got " + shape_string(given));
  check_arg(data != nullptr, "weight '" + name + "': data is null");
  // Kept in the dtype it came in (no fp32 copy of a bf16 checkpoint) until finalize converts it.
  model.staged[name] = at::from_blob(const_cast<void*>(data), given, scalar_type).clone();
}

// As Hugging Face computes it: 1 / theta^(arange(0, d, 2) / d) in fp32.
static at::Tensor rope_inverse_frequencies(const ModelConfig& config, const at::Device& device) {
  at::Tensor exponents = at::arange(0, config.head_dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(config.head_dim);
  return at::pow(at::Scalar(config.rope_theta), exponents).reciprocal().to(device);
}

static at::Tensor take(Model& model, const std::string& name) {
  at::Tensor tensor = std::move(model.staged.at(name));
  model.staged.erase(name);
  return tensor;
}

void finalize_model(Model& model) {
  if (model.finalized) throw BadState("the model is already finalized");
  for (const ExpectedWeight& weight : expected_weights(model.config)) {
    if (!model.staged.count(weight.name)) {
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
      weights.projections[p] = FrozenLinear(path + ".weight", take(model, path + ".weight"), config.weight_mode,
                                            model.double_quant, model.device, model.compute_dtype);
      if (config.has_qkv_bias() && (p == kQ || p == kK || p == kV)) {
        weights.biases[p] = take(model, path + ".bias").to(dense_options);
      }
    }
  }
  model.rope_inv_freq = rope_inverse_frequencies(config, model.device);
  model.staged.clear();
  model.finalized = true;
}

// HF's initializer_range: the spread of every random matrix, so that activations stay O(1) through the layers.
static constexpr double kRandomStd = 0.02;

void finalize_random(Model& model, uint64_t seed) {
  if (model.finalized) throw BadState("the model is already finalized");
  if (!model.staged.empty()) {
    throw BadState("random weights replace all weights, but '" + model.staged.begin()->first + "' was uploaded");
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
  }
  model.rope_inv_freq = rope_inverse_frequencies(config, model.device);
  model.finalized = true;
}

int64_t weight_bytes(const Model& model) {
  auto size = [](const at::Tensor& t) { return t.defined() ? t.numel() * static_cast<int64_t>(t.element_size()) : 0; };
  int64_t total = size(model.embed_tokens) + size(model.final_norm);
  if (!model.config.tie_word_embeddings) total += size(model.lm_head);
  for (const DecoderLayerWeights& layer : model.layers) {
    total += size(layer.input_norm) + size(layer.post_attention_norm);
    for (int p = 0; p < kProjectionCount; ++p) total += layer.projections[p].bytes() + size(layer.biases[p]);
  }
  return total;
}

}  // namespace sqlrl
