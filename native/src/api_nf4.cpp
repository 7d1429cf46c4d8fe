// extern "C": the NF4 codec and bitsandbytes' stored tables, for tests and tools.
#include "api_guard.h"
#include "nf4_codec.h"

using namespace sqlrl;

static void check_nf4_layout(int64_t n, int32_t block) {
  check_arg(block > 0 && block % 2 == 0, "block must be a positive even number, got " + std::to_string(block));
  check_arg(n > 0 && n % block == 0,
            "n must be a positive multiple of block " + std::to_string(block) + ", got " + std::to_string(n));
}

extern "C" int32_t sqlrl_nf4_quantize(const float* values, int64_t n, int32_t block, uint8_t* codes, float* absmax) {
  return guarded([&] {
    check_nf4_layout(n, block);
    check_not_null(values, "values");
    check_not_null(codes, "codes");
    check_not_null(absmax, "absmax");
    nf4::quantize(values, n, block, codes, absmax);
  });
}

extern "C" int32_t sqlrl_nf4_dequantize(const uint8_t* codes, const float* absmax, int64_t n, int32_t block,
                                        float* values) {
  return guarded([&] {
    check_nf4_layout(n, block);
    check_not_null(codes, "codes");
    check_not_null(absmax, "absmax");
    check_not_null(values, "values");
    nf4::dequantize(codes, absmax, n, block, values);
  });
}

extern "C" int32_t sqlrl_bnb4_dequantize(const uint8_t* codes, const float* absmax, const float* code_book, int64_t n,
                                         int32_t block, float* values) {
  return guarded([&] {
    check_nf4_layout(n, block);
    check_not_null(codes, "codes");
    check_not_null(absmax, "absmax");
    check_not_null(code_book, "code_book");
    check_not_null(values, "values");
    nf4::dequantize_with_code_book(codes, absmax, code_book, n, block, values);
  });
}

extern "C" int32_t sqlrl_dynamic8_dequantize(const uint8_t* codes, int64_t n, int32_t block, const float* code_map,
                                             const float* block_absmax, double offset, float* out) {
  return guarded([&] {
    check_arg(n > 0, "n must be > 0, got " + std::to_string(n));
    check_arg(block > 0, "block must be > 0, got " + std::to_string(block));
    check_not_null(codes, "codes");
    check_not_null(code_map, "code_map");
    check_not_null(block_absmax, "block_absmax");
    check_not_null(out, "out");
    nf4::dequantize_blockwise8(codes, n, block, code_map, block_absmax, static_cast<float>(offset), out);
  });
}
