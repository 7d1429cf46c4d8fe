// extern "C": the NF4 codec, for tests and tools.
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
