// Test helpers: tiny random models built through the C ABI itself, and packed token batches.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sqlrl.h"

namespace sqlrl_test {

struct TinySpec {
  int32_t arch = SQLRL_ARCH_QWEN2;
  int32_t vocab = 97;
  int32_t hidden = 32;
  int32_t intermediate = 48;
  int32_t layers = 2;
  int32_t heads = 4;
  int32_t kv_heads = 2;
  bool tie_embeddings = true;
  int32_t weight_mode = SQLRL_WEIGHTS_FP32;
  bool double_quant = false;
  int64_t sliding_window = 0;  // 0: none
  int32_t device = SQLRL_DEVICE_CPU;
  uint64_t seed = 7;
};

struct NamedTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
  bool is_decoder_linear() const;  // quantized in NF4 mode
};

// Every weight the spec's architecture needs, under its Hugging Face name, drawn from the seed.
std::vector<NamedTensor> random_weights(const TinySpec& spec);

// Packed sequences as the ABI takes them.
struct Packed {
  std::vector<int32_t> tokens;
  std::vector<int32_t> lengths;
  static Packed of(const std::vector<std::vector<int32_t>>& sequences);
  int32_t count() const { return static_cast<int32_t>(lengths.size()); }
};
std::vector<std::vector<int32_t>> random_sequences(int count, int min_length, int max_length, int vocab, uint64_t seed);

class TinyModel {
 public:
  explicit TinyModel(const TinySpec& spec);
  TinyModel(const TinySpec& spec, const std::vector<NamedTensor>& weights);
  ~TinyModel();
  TinyModel(const TinyModel&) = delete;
  TinyModel& operator=(const TinyModel&) = delete;

  sqlrl_model* handle() const { return handle_; }
  // A session made with the model: the tests' default user of it.
  sqlrl_session* session() const { return session_; }
  const TinySpec& spec() const { return spec_; }

  // [total_tokens * vocab]
  std::vector<float> logits(const Packed& batch, bool adapters = true) const;
  std::vector<float> logprobs(const Packed& batch, const std::vector<int32_t>& prompt_lens, bool adapters = true,
                              double temperature = 1.0, bool keep_graph = false) const;
  void attach_lora(int32_t rank, double alpha, int32_t target_mask, double dropout = 0.0, uint64_t seed = 3);
  int32_t lora_count() const;
  std::vector<float> lora_read(int32_t index, int32_t which) const;
  void lora_write(int32_t index, int32_t which, const std::vector<float>& values);
  // Sets every B to small random values, so that A's gradients are not zero.
  void randomize_lora_b(uint64_t seed);

 private:
  TinySpec spec_;
  sqlrl_model* handle_ = nullptr;
  sqlrl_session* session_ = nullptr;
};

double max_abs_difference(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace sqlrl_test
