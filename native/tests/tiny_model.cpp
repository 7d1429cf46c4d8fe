#include "tiny_model.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "test_harness.h"

namespace sqlrl_test {

bool NamedTensor::is_decoder_linear() const {
  return name.find("_proj.weight") != std::string::npos;
}

std::vector<NamedTensor> random_weights(const TinySpec& spec) {
  std::mt19937_64 random(spec.seed);
  std::normal_distribution<float> normal(0.0f, 0.2f);
  std::vector<NamedTensor> weights;
  auto add = [&](const std::string& name, std::vector<int64_t> shape, bool is_norm) {
    NamedTensor tensor{name, shape, {}};
    int64_t count = 1;
    for (int64_t d : shape) count *= d;
    for (int64_t i = 0; i < count; ++i) tensor.values.push_back(is_norm ? 1.0f + 0.5f * normal(random) : normal(random));
    weights.push_back(std::move(tensor));
  };
  int64_t head_dim = spec.hidden / spec.heads;
  int64_t q_out = spec.heads * head_dim, kv_out = spec.kv_heads * head_dim;
  bool biases = spec.arch == SQLRL_ARCH_QWEN2;
  add("model.embed_tokens.weight", {spec.vocab, spec.hidden}, false);
  for (int layer = 0; layer < spec.layers; ++layer) {
    std::string prefix = "model.layers." + std::to_string(layer) + ".";
    add(prefix + "input_layernorm.weight", {spec.hidden}, true);
    add(prefix + "self_attn.q_proj.weight", {q_out, spec.hidden}, false);
    add(prefix + "self_attn.k_proj.weight", {kv_out, spec.hidden}, false);
    add(prefix + "self_attn.v_proj.weight", {kv_out, spec.hidden}, false);
    if (biases) {
      add(prefix + "self_attn.q_proj.bias", {q_out}, false);
      add(prefix + "self_attn.k_proj.bias", {kv_out}, false);
      add(prefix + "self_attn.v_proj.bias", {kv_out}, false);
    }
    if (spec.arch == SQLRL_ARCH_QWEN3) {
      add(prefix + "self_attn.q_norm.weight", {head_dim}, true);
      add(prefix + "self_attn.k_norm.weight", {head_dim}, true);
    }
    add(prefix + "self_attn.o_proj.weight", {spec.hidden, q_out}, false);
    add(prefix + "mlp.gate_proj.weight", {spec.intermediate, spec.hidden}, false);
    add(prefix + "mlp.up_proj.weight", {spec.intermediate, spec.hidden}, false);
    add(prefix + "mlp.down_proj.weight", {spec.hidden, spec.intermediate}, false);
    add(prefix + "post_attention_layernorm.weight", {spec.hidden}, true);
  }
  add("model.norm.weight", {spec.hidden}, true);
  if (!spec.tie_embeddings) add("lm_head.weight", {spec.vocab, spec.hidden}, false);
  return weights;
}

Packed Packed::of(const std::vector<std::vector<int32_t>>& sequences) {
  Packed packed;
  for (const auto& sequence : sequences) {
    packed.tokens.insert(packed.tokens.end(), sequence.begin(), sequence.end());
    packed.lengths.push_back(static_cast<int32_t>(sequence.size()));
  }
  return packed;
}

std::vector<std::vector<int32_t>> random_sequences(int count, int min_length, int max_length, int vocab,
                                                   uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> length(min_length, max_length), token(0, vocab - 1);
  std::vector<std::vector<int32_t>> sequences(count);
  for (auto& sequence : sequences) {
    sequence.resize(length(random));
    for (int32_t& t : sequence) t = token(random);
  }
  return sequences;
}

TinyModel::TinyModel(const TinySpec& spec) : TinyModel(spec, random_weights(spec)) {}

TinyModel::TinyModel(const TinySpec& spec, const std::vector<NamedTensor>& weights) : spec_(spec) {
  CHECK_OK(create_model(spec.arch, spec.vocab, spec.hidden, spec.intermediate, spec.layers, spec.heads,
                              spec.kv_heads, 0, 10000.0, 1e-6, spec.tie_embeddings ? 1 : 0, spec.weight_mode,
                              spec.device, &handle_));
  if (spec.double_quant) CHECK_OK(sqlrl_model_set_double_quant(handle_, 1));
  if (spec.sliding_window > 0) CHECK_OK(sqlrl_model_set_sliding_window(handle_, spec.sliding_window));
  for (const NamedTensor& tensor : weights) {
    CHECK_OK(sqlrl_model_set_weight(handle_, tensor.name.c_str(), tensor.values.data(), SQLRL_DTYPE_F32,
                                    tensor.shape.data(), static_cast<int32_t>(tensor.shape.size())));
  }
  CHECK_OK(sqlrl_model_finalize(handle_));
  CHECK_OK(sqlrl_session_create(handle_, &session_));
}

TinyModel::~TinyModel() {
  sqlrl_session_free(session_);
  sqlrl_model_free(handle_);
}

std::vector<float> TinyModel::logits(const Packed& batch, bool adapters) const {
  std::vector<float> out(batch.tokens.size() * spec_.vocab);
  CHECK_OK(sqlrl_forward_logits(handle_, batch.tokens.data(), batch.lengths.data(), batch.count(), adapters ? 1 : 0,
                                out.data()));
  return out;
}

std::vector<float> TinyModel::logprobs(const Packed& batch, const std::vector<int32_t>& prompt_lens, bool adapters,
                                       double temperature, bool keep_graph) const {
  size_t completion = 0;
  for (size_t i = 0; i < prompt_lens.size(); ++i) completion += batch.lengths[i] - prompt_lens[i];
  std::vector<float> out(completion);
  CHECK_OK(sqlrl_logprobs(session_, batch.tokens.data(), batch.lengths.data(), prompt_lens.data(), batch.count(),
                          adapters ? 1 : 0, temperature, keep_graph ? 1 : 0, out.data()));
  return out;
}

void TinyModel::attach_lora(int32_t rank, double alpha, int32_t target_mask, double dropout, uint64_t seed) {
  CHECK_OK(sqlrl_lora_attach(handle_, rank, alpha, target_mask, dropout, SQLRL_DTYPE_F32, seed));
}

int32_t TinyModel::lora_count() const {
  int32_t count = 0;
  CHECK_OK(sqlrl_lora_count(handle_, &count));
  return count;
}

std::vector<float> TinyModel::lora_read(int32_t index, int32_t which) const {
  int64_t shape[2];
  char name[256];
  CHECK_OK(sqlrl_lora_info(handle_, index, name, sizeof(name), shape));
  std::vector<float> out(shape[0] * shape[1]);
  CHECK_OK(sqlrl_lora_read(handle_, index, which, out.data(), static_cast<int64_t>(out.size())));
  return out;
}

void TinyModel::lora_write(int32_t index, int32_t which, const std::vector<float>& values) {
  CHECK_OK(sqlrl_lora_write(handle_, index, which, values.data(), static_cast<int64_t>(values.size())));
}

void TinyModel::randomize_lora_b(uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<float> normal(0.0f, 0.1f);
  for (int32_t index = 1; index < lora_count(); index += 2) {
    std::vector<float> values = lora_read(index, SQLRL_LORA_VALUE);
    for (float& v : values) v = normal(random);
    lora_write(index, SQLRL_LORA_VALUE, values);
  }
}

double max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
  CHECK_MSG(a.size() == b.size(), "sizes differ: " << a.size() << " vs " << b.size());
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(static_cast<double>(a[i]) - b[i]));
  return worst;
}

}  // namespace sqlrl_test
