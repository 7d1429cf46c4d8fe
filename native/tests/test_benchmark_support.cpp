// What the benchmarks stand on: models of a shape with random weights made on the device, and the
// bandwidth probe their rooflines divide by.
#include <cmath>
#include <string>
#include <vector>

#include "test_harness.h"
#include "tiny_model.h"

using namespace sqlrl_test;

namespace {
// vocab 97, hidden 64, intermediate 128, 2 layers, 4 heads, 2 kv heads (head_dim 16): every projection a
// multiple of 64 values, as NF4 needs.
sqlrl_model* random_model(int32_t weight_mode, bool double_quant, uint64_t seed) {
  sqlrl_model* handle = nullptr;
  CHECK_OK(create_model(SQLRL_ARCH_QWEN2, 97, 64, 128, 2, 4, 2, 0, 1e6, 1e-6, 1, weight_mode, SQLRL_DEVICE_CPU,
                              &handle));
  if (double_quant) CHECK_OK(sqlrl_model_set_double_quant(handle, 1));
  CHECK_OK(sqlrl_model_finalize_random(handle, seed));
  return handle;
}

std::vector<float> logits_of(sqlrl_model* handle) {
  Packed batch = Packed::of({{1, 5, 9, 33, 96, 2}, {7, 7, 40}});
  std::vector<float> logits(9 * 97);
  CHECK_OK(sqlrl_forward_logits(handle, batch.tokens.data(), batch.lengths.data(), batch.count(), 0, logits.data()));
  return logits;
}

int64_t weight_bytes(sqlrl_model* handle) {
  int64_t stats[SQLRL_MEM_COUNT];
  CHECK_OK(sqlrl_memory_stats(handle, stats));
  return stats[SQLRL_MEM_WEIGHT_BYTES];
}
}  // namespace

TEST(random_weights_are_finite_spread_and_reproducible) {
  for (int32_t mode : {SQLRL_WEIGHTS_FP32, SQLRL_WEIGHTS_BF16, SQLRL_WEIGHTS_NF4}) {
    for (bool double_quant : {false, true}) {
      if (double_quant && mode != SQLRL_WEIGHTS_NF4) continue;
      sqlrl_model* a = random_model(mode, double_quant, 11);
      sqlrl_model* b = random_model(mode, double_quant, 11);
      sqlrl_model* c = random_model(mode, double_quant, 12);
      std::vector<float> la = logits_of(a), lb = logits_of(b), lc = logits_of(c);
      double sum_squares = 0;
      for (float v : la) {
        CHECK_MSG(std::isfinite(v), "mode " << mode);
        sum_squares += static_cast<double>(v) * v;
      }
      // Tied embeddings of std 0.02 over a unit-RMS hidden state: logits of std ~ 0.02 * sqrt(64) = 0.16.
      double rms = std::sqrt(sum_squares / la.size());
      CHECK_MSG(rms > 0.02 && rms < 2.0, "mode " << mode << " logit rms " << rms);
      CHECK_MSG(max_abs_difference(la, lb) == 0.0, "mode " << mode << ": same seed, different logits");
      CHECK_MSG(max_abs_difference(la, lc) > 1e-3, "mode " << mode << ": another seed, same logits");
      sqlrl_model_free(a);
      sqlrl_model_free(b);
      sqlrl_model_free(c);
    }
  }
}

TEST(random_weights_are_stored_in_the_chosen_mode) {
  // Per layer: q 64x64, k 32x64, v 32x64, o 64x64, gate/up 128x64, down 64x128 = 36864 values; biases 128.
  const int64_t linear_values = 2 * 36864, bias_values = 2 * 128;
  const int64_t dense_rest = (97 * 64 + bias_values) * 4 + (64 + 2 * 2 * 64) * 4;  // fp32 compute on CPU; norms fp32
  sqlrl_model* fp32 = random_model(SQLRL_WEIGHTS_FP32, false, 1);
  sqlrl_model* bf16 = random_model(SQLRL_WEIGHTS_BF16, false, 1);
  sqlrl_model* nf4 = random_model(SQLRL_WEIGHTS_NF4, false, 1);
  sqlrl_model* nf4_dq = random_model(SQLRL_WEIGHTS_NF4, true, 1);
  CHECK(weight_bytes(fp32) == dense_rest + linear_values * 4);
  CHECK(weight_bytes(bf16) == dense_rest + linear_values * 2);
  // NF4: half a byte per value plus one fp32 absmax per 64 values.
  CHECK(weight_bytes(nf4) == dense_rest + linear_values / 2 + linear_values / 64 * 4);
  CHECK(weight_bytes(nf4_dq) < weight_bytes(nf4));
  for (sqlrl_model* handle : {fp32, bf16, nf4, nf4_dq}) sqlrl_model_free(handle);
}

TEST(random_weights_refuse_uploaded_weights_and_a_second_finalize) {
  sqlrl_model* handle = nullptr;
  CHECK_OK(create_model(SQLRL_ARCH_QWEN2, 97, 64, 128, 2, 4, 2, 0, 1e6, 1e-6, 1, SQLRL_WEIGHTS_FP32,
                              SQLRL_DEVICE_CPU, &handle));
  std::vector<float> norm(64, 1.0f);
  int64_t shape[1] = {64};
  CHECK_OK(sqlrl_model_set_weight(handle, "model.norm.weight", norm.data(), SQLRL_DTYPE_F32, shape, 1));
  CHECK(sqlrl_model_finalize_random(handle, 1) == SQLRL_ERR_STATE);
  CHECK(std::string(sqlrl_last_error()).find("model.norm.weight") != std::string::npos);
  sqlrl_model_free(handle);

  sqlrl_model* ready = random_model(SQLRL_WEIGHTS_FP32, false, 1);
  CHECK(sqlrl_model_finalize_random(ready, 2) == SQLRL_ERR_STATE);
  CHECK(sqlrl_model_finalize_random(nullptr, 2) == SQLRL_ERR_INVALID_ARGUMENT);
  sqlrl_model_free(ready);
}

TEST(random_nf4_weights_need_whole_blocks) {
  sqlrl_model* handle = nullptr;
  // hidden 24, 2 heads, 1 kv head: q is 24 x 24 = 576 values (9 blocks), k 12 x 24 = 288 (not whole blocks).
  CHECK_OK(create_model(SQLRL_ARCH_LLAMA, 97, 24, 40, 1, 2, 1, 0, 1e4, 1e-6, 1, SQLRL_WEIGHTS_NF4,
                              SQLRL_DEVICE_CPU, &handle));
  CHECK(sqlrl_model_finalize_random(handle, 1) == SQLRL_ERR_UNSUPPORTED);
  CHECK(std::string(sqlrl_last_error()).find("multiple of 64") != std::string::npos);
  sqlrl_model_free(handle);
}

TEST(copy_bandwidth_is_measured_and_checks_its_arguments) {
  double bytes_per_second = 0;
  CHECK_OK(sqlrl_device_copy_bandwidth(SQLRL_DEVICE_CPU, 1 << 22, 3, &bytes_per_second));
  // Any machine this runs on copies between 100 MB/s and 10 TB/s.
  CHECK_MSG(bytes_per_second > 1e8 && bytes_per_second < 1e13, bytes_per_second);
  CHECK(sqlrl_device_copy_bandwidth(SQLRL_DEVICE_CPU, 1000, 3, &bytes_per_second) == SQLRL_ERR_INVALID_ARGUMENT);
  CHECK(sqlrl_device_copy_bandwidth(SQLRL_DEVICE_CPU, 1 << 20, 0, &bytes_per_second) == SQLRL_ERR_INVALID_ARGUMENT);
  CHECK(sqlrl_device_copy_bandwidth(7, 1 << 20, 1, &bytes_per_second) == SQLRL_ERR_INVALID_ARGUMENT);
  CHECK(sqlrl_device_copy_bandwidth(SQLRL_DEVICE_CPU, 1 << 20, 1, nullptr) == SQLRL_ERR_INVALID_ARGUMENT);
  if (!sqlrl_cuda_available()) {
    CHECK(sqlrl_device_copy_bandwidth(SQLRL_DEVICE_CUDA, 1 << 20, 1, &bytes_per_second) == SQLRL_ERR_UNSUPPORTED);
  }
}
