// Forward passes: ragged batching, log-probs against the logits, chunking, weight storage modes.
#include <cstring>
#include <random>

#include "nf4_codec.h"
#include "test_harness.h"
#include "tiny_model.h"

using namespace sqlrl_test;

namespace {

// log_softmax(logits[row] / temperature)[token], in double.
double reference_logprob(const std::vector<float>& logits, int64_t row, int vocab, int token, double temperature) {
  const float* values = logits.data() + row * vocab;
  double top = -1e300;
  for (int v = 0; v < vocab; ++v) top = std::max(top, values[v] / temperature);
  double sum = 0;
  for (int v = 0; v < vocab; ++v) sum += std::exp(values[v] / temperature - top);
  return values[token] / temperature - top - std::log(sum);
}

std::vector<float> reference_completion_logprobs(const TinyModel& model, const Packed& batch,
                                                 const std::vector<int32_t>& prompt_lens, double temperature) {
  std::vector<float> logits = model.logits(batch);
  std::vector<float> out;
  int64_t offset = 0;
  for (int32_t i = 0; i < batch.count(); ++i) {
    for (int32_t p = prompt_lens[i]; p < batch.lengths[i]; ++p) {
      out.push_back(static_cast<float>(reference_logprob(logits, offset + p - 1, model.spec().vocab,
                                                         batch.tokens[offset + p], temperature)));
    }
    offset += batch.lengths[i];
  }
  return out;
}

void check_ragged_equals_single(const TinySpec& spec) {
  TinyModel model(spec);
  auto sequences = random_sequences(4, 1, 9, spec.vocab, 21);
  std::vector<float> batched = model.logits(Packed::of(sequences));
  size_t offset = 0;
  for (const auto& sequence : sequences) {
    std::vector<float> single = model.logits(Packed::of({sequence}));
    std::vector<float> slice(batched.begin() + offset, batched.begin() + offset + single.size());
    CHECK_MSG(max_abs_difference(single, slice) < 1e-5, "max diff " << max_abs_difference(single, slice));
    offset += single.size();
  }
  CHECK(offset == batched.size());
}

uint16_t to_bf16_bits(float value) {  // round to nearest even, as torch's conversion does
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  bits += 0x7FFF + ((bits >> 16) & 1);
  return static_cast<uint16_t>(bits >> 16);
}

float bf16_round(float value) {
  uint32_t bits = static_cast<uint32_t>(to_bf16_bits(value)) << 16;
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

void check_nf4_equals_dequantized_fp32(bool double_quant) {
  TinySpec spec;
  spec.arch = SQLRL_ARCH_LLAMA;
  spec.tie_embeddings = false;
  std::vector<NamedTensor> weights = random_weights(spec);
  std::vector<NamedTensor> dequantized = weights;
  for (NamedTensor& tensor : dequantized) {
    if (!tensor.is_decoder_linear()) continue;
    int64_t n = static_cast<int64_t>(tensor.values.size());
    std::vector<uint8_t> codes(n / 2);
    std::vector<float> absmax(n / 64);
    CHECK_OK(sqlrl_nf4_quantize(tensor.values.data(), n, 64, codes.data(), absmax.data()));
    if (double_quant) {
      int64_t blocks = static_cast<int64_t>(absmax.size());
      std::vector<int8_t> absmax_codes(blocks);
      std::vector<float> scales(sqlrl::nf4::absmax_block_count(blocks, 256));
      float offset = 0;
      sqlrl::nf4::quantize_absmax(absmax.data(), blocks, 256, absmax_codes.data(), scales.data(), &offset);
      sqlrl::nf4::dequantize_absmax(absmax_codes.data(), scales.data(), offset, blocks, 256, absmax.data());
    }
    CHECK_OK(sqlrl_nf4_dequantize(codes.data(), absmax.data(), n, 64, tensor.values.data()));
  }
  TinySpec nf4_spec = spec;
  nf4_spec.weight_mode = SQLRL_WEIGHTS_NF4;
  nf4_spec.double_quant = double_quant;
  TinyModel nf4(nf4_spec, weights), reference(spec, dequantized), full(spec, weights);
  Packed batch = Packed::of(random_sequences(3, 2, 8, spec.vocab, 4));
  std::vector<float> nf4_logits = nf4.logits(batch);
  double diff = max_abs_difference(nf4_logits, reference.logits(batch));
  CHECK_MSG(diff < 1e-4, "NF4 vs dequantized fp32: max diff " << diff);
  CHECK_MSG(max_abs_difference(nf4_logits, full.logits(batch)) > 1e-3, "NF4 changed nothing: was it quantized?");
}

}  // namespace

TEST(ragged_batch_equals_one_sequence_at_a_time_qwen2) { check_ragged_equals_single(TinySpec{}); }

TEST(ragged_batch_equals_one_sequence_at_a_time_llama_untied) {
  TinySpec spec;
  spec.arch = SQLRL_ARCH_LLAMA;
  spec.tie_embeddings = false;
  check_ragged_equals_single(spec);
}

TEST(ragged_logprobs_equal_one_sequence_at_a_time) {
  TinyModel model(TinySpec{});
  auto sequences = random_sequences(3, 3, 10, 97, 8);
  std::vector<int32_t> prompts = {1, 2, 2};
  std::vector<float> batched = model.logprobs(Packed::of(sequences), prompts);
  size_t offset = 0;
  for (size_t i = 0; i < sequences.size(); ++i) {
    std::vector<float> single = model.logprobs(Packed::of({sequences[i]}), {prompts[i]});
    for (size_t j = 0; j < single.size(); ++j) CHECK_NEAR(batched[offset + j], single[j], 1e-5);
    offset += single.size();
  }
  CHECK(offset == batched.size());
}

TEST(logprobs_equal_log_softmax_of_forward_logits) {
  TinyModel model(TinySpec{});
  Packed batch = Packed::of(random_sequences(3, 4, 9, 97, 12));
  std::vector<int32_t> prompts = {1, 3, 2};
  for (double temperature : {1.0, 0.7}) {
    std::vector<float> expected = reference_completion_logprobs(model, batch, prompts, temperature);
    std::vector<float> actual = model.logprobs(batch, prompts, true, temperature);
    CHECK_MSG(max_abs_difference(actual, expected) < 1e-5,
              "temperature " << temperature << ": max diff " << max_abs_difference(actual, expected));
  }
}

TEST(chunked_logprobs_equal_unchunked) {
  TinyModel model(TinySpec{});
  Packed batch = Packed::of(random_sequences(3, 5, 12, 97, 13));
  std::vector<int32_t> prompts = {2, 1, 4};
  CHECK_OK(sqlrl_model_set_logprob_chunk(model.handle(), 100000));
  std::vector<float> whole = model.logprobs(batch, prompts);
  for (int32_t chunk : {1, 3, 7}) {
    CHECK_OK(sqlrl_model_set_logprob_chunk(model.handle(), chunk));
    std::vector<float> chunked = model.logprobs(batch, prompts);
    CHECK_MSG(max_abs_difference(chunked, whole) < 1e-6, "chunk " << chunk);
  }
}

TEST(nf4_model_equals_fp32_model_with_dequantized_weights) { check_nf4_equals_dequantized_fp32(false); }

TEST(nf4_double_quant_model_equals_fp32_model_with_its_dequantized_weights) {
  check_nf4_equals_dequantized_fp32(true);
}

TEST(bf16_model_equals_fp32_model_with_bf16_rounded_linears) {
  TinySpec spec;
  std::vector<NamedTensor> weights = random_weights(spec);
  std::vector<NamedTensor> rounded = weights;
  for (NamedTensor& tensor : rounded) {
    if (!tensor.is_decoder_linear()) continue;
    for (float& v : tensor.values) v = bf16_round(v);
  }
  TinySpec bf16_spec = spec;
  bf16_spec.weight_mode = SQLRL_WEIGHTS_BF16;
  TinyModel bf16(bf16_spec, weights), reference(spec, rounded);
  Packed batch = Packed::of(random_sequences(2, 3, 7, spec.vocab, 6));
  double diff = max_abs_difference(bf16.logits(batch), reference.logits(batch));
  CHECK_MSG(diff < 1e-4, "max diff " << diff);
}

TEST(bf16_input_weights_are_accepted_and_equal_their_fp32_values) {
  TinySpec spec;
  std::vector<NamedTensor> weights = random_weights(spec);
  for (NamedTensor& tensor : weights) for (float& v : tensor.values) v = bf16_round(v);
  TinyModel from_f32(spec, weights);
  sqlrl_model* handle = nullptr;
  CHECK_OK(create_model(spec.arch, spec.vocab, spec.hidden, spec.intermediate, spec.layers, spec.heads,
                              spec.kv_heads, 0, 10000.0, 1e-6, 1, SQLRL_WEIGHTS_FP32, SQLRL_DEVICE_CPU, &handle));
  for (const NamedTensor& tensor : weights) {
    std::vector<uint16_t> bits;
    for (float v : tensor.values) bits.push_back(to_bf16_bits(v));
    CHECK_OK(sqlrl_model_set_weight(handle, tensor.name.c_str(), bits.data(), SQLRL_DTYPE_BF16, tensor.shape.data(),
                                    static_cast<int32_t>(tensor.shape.size())));
  }
  CHECK_OK(sqlrl_model_finalize(handle));
  Packed batch = Packed::of(random_sequences(2, 3, 7, spec.vocab, 6));
  std::vector<float> logits(batch.tokens.size() * spec.vocab);
  CHECK_OK(sqlrl_forward_logits(handle, batch.tokens.data(), batch.lengths.data(), batch.count(), 1, logits.data()));
  sqlrl_model_free(handle);
  CHECK(max_abs_difference(logits, from_f32.logits(batch)) == 0.0);
}

TEST(memory_stats_count_weights_and_lora_state) {
  TinySpec spec;
  std::vector<NamedTensor> weights = random_weights(spec);
  int64_t values = 0, linear_values = 0;
  for (const NamedTensor& tensor : weights) {
    values += static_cast<int64_t>(tensor.values.size());
    if (tensor.is_decoder_linear()) linear_values += static_cast<int64_t>(tensor.values.size());
  }
  TinyModel fp32(spec, weights);
  int64_t stats[SQLRL_MEM_COUNT];
  CHECK_OK(sqlrl_memory_stats(fp32.handle(), stats));
  CHECK(stats[SQLRL_MEM_WEIGHT_BYTES] == values * 4);
  CHECK(stats[SQLRL_MEM_LORA_BYTES] == 0);
  CHECK(stats[SQLRL_MEM_DEVICE_ALLOCATED] == -1);  // the CPU backend does not tell

  TinySpec nf4_spec = spec;
  nf4_spec.weight_mode = SQLRL_WEIGHTS_NF4;
  TinyModel nf4(nf4_spec, weights);
  CHECK_OK(sqlrl_memory_stats(nf4.handle(), stats));
  // Half a byte per value plus one fp32 absmax per 64 values.
  CHECK(stats[SQLRL_MEM_WEIGHT_BYTES] == (values - linear_values) * 4 + linear_values / 2 + linear_values / 64 * 4);

  fp32.attach_lora(4, 8.0, SQLRL_LORA_Q | SQLRL_LORA_V);
  CHECK_OK(sqlrl_memory_stats(fp32.handle(), stats));
  int64_t lora_values = spec.layers * (4 * 32 + 32 * 4 + 4 * 32 + 16 * 4);  // q: A [4,32], B [32,4]; v: B [16,4]
  CHECK(stats[SQLRL_MEM_LORA_BYTES] == lora_values * 4 * 4);  // value, grad, m, v
}

// The op counter sees every ATen operator of a forward pass, and a longer pass dispatches more of them.
TEST(op_count_counts_the_operators_of_a_forward_pass) {
  TinyModel model(TinySpec{});
  auto count = [&](int length) {
    Packed batch = Packed::of(random_sequences(1, length, length, 97, 5));
    CHECK_OK(sqlrl_op_count_start());
    model.logits(batch);
    int64_t ops = -1;
    CHECK_OK(sqlrl_op_count_stop(&ops));
    return ops;
  };
  int64_t once = count(4);
  CHECK_MSG(once > 10 * TinySpec{}.layers, "a forward pass of " << TinySpec{}.layers << " layers counted " << once << " ops");
  CHECK_MSG(count(4) == once, "the same pass counts the same");
  int64_t ignored = 0;
  CHECK(sqlrl_op_count_stop(&ignored) == SQLRL_ERR_STATE);
  CHECK_OK(sqlrl_op_count_start());
  CHECK(sqlrl_op_count_start() == SQLRL_ERR_STATE);
  CHECK_OK(sqlrl_op_count_stop(&ignored));
}
