// The NF4 codec: bitsandbytes code layout, round-trip error bounds, double quantization.
#include <algorithm>
#include <random>

#include "nf4_gemv_shape.h"
#include "nf4_codec.h"
#include "test_harness.h"

using sqlrl::nf4::kCodebook;

TEST(nf4_known_vector_gives_expected_codes_with_first_element_in_high_nibble) {
  std::vector<float> values(64, 0.0f);
  values[0] = 2.0f * 0.07958029955625534f;  // code 8
  values[1] = -2.0f;                         // the block's absmax -> code 0
  values[2] = 0.0f;                          // code 7
  values[3] = 1.0f;                          // 0.5: nearer 0.4407 (12) than 0.5626 (13)
  values[4] = 2.0f * 0.7229568362236023f;    // code 14
  values[5] = 2.0f;                          // code 15
  std::vector<uint8_t> codes(32);
  float absmax = 0;
  CHECK_OK(sqlrl_nf4_quantize(values.data(), 64, 64, codes.data(), &absmax));
  CHECK(absmax == 2.0f);
  CHECK_MSG(codes[0] == 0x80, "got " << int(codes[0]));
  CHECK_MSG(codes[1] == 0x7C, "got " << int(codes[1]));
  CHECK_MSG(codes[2] == 0xEF, "got " << int(codes[2]));
  for (int i = 3; i < 32; ++i) CHECK_MSG(codes[i] == 0x77, "byte " << i << " = " << int(codes[i]));
}

TEST(nf4_codebook_values_round_trip_exactly) {
  // Each block holds the 16 code values (times its scale) four times over.
  std::vector<float> values(128);
  for (int i = 0; i < 128; ++i) values[i] = kCodebook[i % 16] * (i < 64 ? 0.5f : 3.0f);
  std::vector<uint8_t> codes(64);
  std::vector<float> absmax(2), back(128);
  CHECK_OK(sqlrl_nf4_quantize(values.data(), 128, 64, codes.data(), absmax.data()));
  CHECK_OK(sqlrl_nf4_dequantize(codes.data(), absmax.data(), 128, 64, back.data()));
  for (int i = 0; i < 128; ++i) CHECK_MSG(back[i] == values[i], "element " << i << ": " << back[i] << " vs " << values[i]);
}

TEST(nf4_round_trip_error_is_within_half_the_widest_code_gap) {
  std::mt19937_64 random(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const int64_t n = 64 * 40;
  std::vector<float> values(n), back(n), absmax(n / 64);
  for (float& v : values) v = normal(random);
  std::vector<uint8_t> codes(n / 2);
  CHECK_OK(sqlrl_nf4_quantize(values.data(), n, 64, codes.data(), absmax.data()));
  CHECK_OK(sqlrl_nf4_dequantize(codes.data(), absmax.data(), n, 64, back.data()));
  float widest_gap = 0;
  for (int c = 1; c < 16; ++c) widest_gap = std::max(widest_gap, kCodebook[c] - kCodebook[c - 1]);
  double squared_error = 0;
  for (int64_t i = 0; i < n; ++i) {
    float bound = absmax[i / 64] * widest_gap / 2 + 1e-6f;
    CHECK_MSG(std::fabs(back[i] - values[i]) <= bound, "element " << i << ": " << values[i] << " -> " << back[i]);
    squared_error += (back[i] - values[i]) * (back[i] - values[i]);
  }
  // NF4 of normal data: RMS error around a tenth of the standard deviation.
  CHECK_MSG(std::sqrt(squared_error / n) < 0.12, "rms error " << std::sqrt(squared_error / n));
}

TEST(nf4_all_zero_block_gets_zero_absmax_and_zero_code) {
  std::vector<float> values(64, 0.0f), back(64, 1.0f);
  std::vector<uint8_t> codes(32);
  float absmax = -1;
  CHECK_OK(sqlrl_nf4_quantize(values.data(), 64, 64, codes.data(), &absmax));
  CHECK(absmax == 0.0f);
  CHECK(codes[0] == 0x77);
  CHECK_OK(sqlrl_nf4_dequantize(codes.data(), &absmax, 64, 64, back.data()));
  for (float v : back) CHECK(v == 0.0f);
}

TEST(double_quant_round_trip_of_absmax_is_within_half_a_step_per_block) {
  std::mt19937_64 random(5);
  std::uniform_real_distribution<float> uniform(0.01f, 0.3f);
  const int64_t n = 700;  // two full blocks of 256 and a short one
  std::vector<float> absmax(n), back(n);
  for (float& v : absmax) v = uniform(random);
  int64_t blocks = sqlrl::nf4::absmax_block_count(n, 256);
  CHECK(blocks == 3);
  std::vector<int8_t> codes(n);
  std::vector<float> scales(blocks);
  float offset = 0;
  sqlrl::nf4::quantize_absmax(absmax.data(), n, 256, codes.data(), scales.data(), &offset);
  double mean = 0;
  for (float v : absmax) mean += v;
  CHECK_NEAR(offset, mean / n, 1e-6);
  sqlrl::nf4::dequantize_absmax(codes.data(), scales.data(), offset, n, 256, back.data());
  for (int64_t i = 0; i < n; ++i) {
    double step = scales[i / 256] / 127.0;
    CHECK_MSG(std::fabs(back[i] - absmax[i]) <= step / 2 + 1e-7, "absmax " << i << ": " << absmax[i] << " -> " << back[i]);
  }
}

TEST(bnb4_dequantize_with_the_nf4_table_equals_the_nf4_codec) {
  std::mt19937_64 random(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(256);
  for (float& v : values) v = normal(random);
  std::vector<uint8_t> codes(128);
  std::vector<float> absmax(4), nf4(256), table(256);
  CHECK_OK(sqlrl_nf4_quantize(values.data(), 256, 64, codes.data(), absmax.data()));
  CHECK_OK(sqlrl_nf4_dequantize(codes.data(), absmax.data(), 256, 64, nf4.data()));
  CHECK_OK(sqlrl_bnb4_dequantize(codes.data(), absmax.data(), kCodebook, 256, 64, table.data()));
  for (int i = 0; i < 256; ++i) CHECK_MSG(table[i] == nf4[i], "element " << i);
  // another table (e.g. FP4's) is used as given: code 0x12 -> table[1], table[2]
  float doubled[16];
  for (int i = 0; i < 16; ++i) doubled[i] = 2.0f * static_cast<float>(i);
  uint8_t pair[32] = {0x12};
  float one[1] = {1.5f};
  std::vector<float> out(64);
  CHECK_OK(sqlrl_bnb4_dequantize(pair, one, doubled, 64, 64, out.data()));
  CHECK(out[0] == 3.0f && out[1] == 6.0f && out[2] == 0.0f);
}

TEST(dynamic8_dequantize_is_code_times_block_absmax_plus_offset_with_a_short_last_block) {
  std::vector<float> map(256);
  for (int i = 0; i < 256; ++i) map[i] = (static_cast<float>(i) - 127.0f) / 128.0f;
  std::vector<uint8_t> codes = {0, 127, 255, 200, 10};  // blocks of 2: [0, 1] [2, 3] [4]
  float block_absmax[3] = {2.0f, 0.5f, 4.0f};
  std::vector<float> out(5);
  CHECK_OK(sqlrl_dynamic8_dequantize(codes.data(), 5, 2, map.data(), block_absmax, 0.25, out.data()));
  float expected[5] = {map[0] * 2.0f + 0.25f, map[127] * 2.0f + 0.25f, map[255] * 0.5f + 0.25f,
                       map[200] * 0.5f + 0.25f, map[10] * 4.0f + 0.25f};
  for (int i = 0; i < 5; ++i) CHECK_MSG(out[i] == expected[i], "element " << i << ": " << out[i] << " vs " << expected[i]);
  CHECK(sqlrl_dynamic8_dequantize(codes.data(), 5, 0, map.data(), block_absmax, 0.0, out.data()) ==
        SQLRL_ERR_INVALID_ARGUMENT);
}

// nf4_gemv.cu rejects a k that is not a whole number of 64-value blocks; FrozenLinear must take the
// dequantize + GEMM path for such layers (the fixtures' intermediate size 176) instead of throwing.
TEST(fused_gemv_takes_only_shapes_the_kernel_accepts) {
  using sqlrl::cuda_kernels::gemv_accepts;
  CHECK(gemv_accepts(1, 128));
  CHECK(gemv_accepts(sqlrl::cuda_kernels::kGemvMaxRows, 4096));
  CHECK(!gemv_accepts(1, 176));
  CHECK(!gemv_accepts(1, 32));
  CHECK(!gemv_accepts(0, 128));
  CHECK(!gemv_accepts(sqlrl::cuda_kernels::kGemvMaxRows + 1, 128));
}

// The tensor-core GEMM takes the decode batches above the GEMV's (up to 64 rows) under the same k rule.
TEST(tensor_core_gemm_takes_only_shapes_the_kernel_accepts) {
  using sqlrl::cuda_kernels::gemm_accepts;
  CHECK(gemm_accepts(17, 896));
  CHECK(gemm_accepts(sqlrl::cuda_kernels::kGemmMaxRows, 18944));
  CHECK(!gemm_accepts(sqlrl::cuda_kernels::kGemmMaxRows + 1, 896));
  CHECK(!gemm_accepts(32, 176));
  CHECK(!gemm_accepts(0, 128));
}
