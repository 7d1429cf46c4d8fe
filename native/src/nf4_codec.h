// The NF4 codec in the bitsandbytes 4-bit layout, in plain loops (no libtorch) so that the CUDA
// kernels can mirror it line for line and the tests can call it directly.
#pragma once
#include <cstdint>

namespace sqlrl::nf4 {

// The 16 NF4 values of the QLoRA paper, index = code.
extern const float kCodebook[16];

// Index of the code book value nearest to x (x already divided by its block's absmax).
uint8_t nearest_code(float x);

// values[n] (n % block == 0) -> codes[n / 2] (first element of a pair in the HIGH nibble) and
// absmax[n / block]. An all-zero block gets absmax 0 and code 7 (the value 0.0).
void quantize(const float* values, int64_t n, int32_t block, uint8_t* codes, float* absmax);
void dequantize(const uint8_t* codes, const float* absmax, int64_t n, int32_t block, float* values);

// Double quantization of the absmax values, as bitsandbytes' compress_statistics does it:
// subtract their mean (offset), then quantize blockwise (blocks of `block`, 256 in bitsandbytes).
// We use a linear signed 8-bit code with a per-block absmax scale (code = round(127 * x / scale)),
// not bitsandbytes' dynamic 8-bit map: both are 8 bits per value; the linear one is exact to
// mirror in a kernel and its error bound (scale / 254) is easy to state. The last block may be short.
int64_t absmax_block_count(int64_t n, int32_t block);
void quantize_absmax(const float* absmax, int64_t n, int32_t block, int8_t* codes, float* scales,
                     float* offset);
void dequantize_absmax(const int8_t* codes, const float* scales, float offset, int64_t n, int32_t block,
                       float* absmax);

// bitsandbytes' checkpoints as stored (their own tables rather than the constants above):
// 4-bit values[i] = code_book[nibble i] * absmax[i / block] (n even, first element in the high nibble);
// blockwise 8-bit out[i] = code_map[codes[i]] * block_absmax[i / block] + offset, with which bitsandbytes
// restores double-quantized absmax values (its dynamic map, the last block may be short).
void dequantize_with_code_book(const uint8_t* codes, const float* absmax, const float* code_book, int64_t n,
                               int32_t block, float* values);
void dequantize_blockwise8(const uint8_t* codes, int64_t n, int32_t block, const float* code_map,
                           const float* block_absmax, float offset, float* out);

}  // namespace sqlrl::nf4
