#include "nf4_codec.h"

#include <cmath>

namespace sqlrl::nf4 {

const float kCodebook[16] = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
    -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
    0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
    0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f};

uint8_t nearest_code(float x) {
  uint8_t best = 0;
  float best_distance = std::fabs(x - kCodebook[0]);
  for (uint8_t code = 1; code < 16; ++code) {
    float distance = std::fabs(x - kCodebook[code]);
    if (distance < best_distance) {
      best_distance = distance;
      best = code;
    }
  }
  return best;
}

void quantize(const float* values, int64_t n, int32_t block, uint8_t* codes, float* absmax) {
  for (int64_t start = 0; start < n; start += block) {
    float block_absmax = 0.0f;
    for (int64_t i = start; i < start + block; ++i) block_absmax = std::fmax(block_absmax, std::fabs(values[i]));
    absmax[start / block] = block_absmax;
    float inverse = block_absmax > 0.0f ? 1.0f / block_absmax : 0.0f;
    for (int64_t i = start; i < start + block; i += 2) {
      uint8_t high = nearest_code(values[i] * inverse);
      uint8_t low = nearest_code(values[i + 1] * inverse);
      codes[i / 2] = static_cast<uint8_t>((high << 4) | low);
    }
  }
}

void dequantize(const uint8_t* codes, const float* absmax, int64_t n, int32_t block, float* values) {
  for (int64_t i = 0; i < n; i += 2) {
    float scale = absmax[i / block];
    uint8_t pair = codes[i / 2];
    values[i] = kCodebook[pair >> 4] * scale;
    values[i + 1] = kCodebook[pair & 0x0F] * scale;
  }
}

int64_t absmax_block_count(int64_t n, int32_t block) { return (n + block - 1) / block; }

void quantize_absmax(const float* absmax, int64_t n, int32_t block, int8_t* codes, float* scales,
                     float* offset) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += absmax[i];
  float mean = n > 0 ? static_cast<float>(sum / static_cast<double>(n)) : 0.0f;
  *offset = mean;
  for (int64_t start = 0; start < n; start += block) {
    int64_t end = start + block < n ? start + block : n;
    float scale = 0.0f;
    for (int64_t i = start; i < end; ++i) scale = std::fmax(scale, std::fabs(absmax[i] - mean));
    scales[start / block] = scale;
    float inverse = scale > 0.0f ? 127.0f / scale : 0.0f;
    for (int64_t i = start; i < end; ++i) {
      float code = std::nearbyint((absmax[i] - mean) * inverse);
      codes[i] = static_cast<int8_t>(std::fmax(-127.0f, std::fmin(127.0f, code)));
    }
  }
}

void dequantize_absmax(const int8_t* codes, const float* scales, float offset, int64_t n, int32_t block,
                       float* absmax) {
  for (int64_t i = 0; i < n; ++i) absmax[i] = static_cast<float>(codes[i]) / 127.0f * scales[i / block] + offset;
}

void dequantize_with_code_book(const uint8_t* codes, const float* absmax, const float* code_book, int64_t n,
                               int32_t block, float* values) {
  for (int64_t i = 0; i < n; ++i) {
    uint8_t byte = codes[i / 2];
    values[i] = code_book[i % 2 == 0 ? byte >> 4 : byte & 0x0F] * absmax[i / block];
  }
}

void dequantize_blockwise8(const uint8_t* codes, int64_t n, int32_t block, const float* code_map,
                           const float* block_absmax, float offset, float* out) {
  // bitsandbytes computes code * absmax in fp32, then adds the offset to the fp32 result.
  for (int64_t i = 0; i < n; ++i) out[i] = code_map[codes[i]] * block_absmax[i / block] + offset;
}

}  // namespace sqlrl::nf4
