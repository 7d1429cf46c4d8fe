// Device-side NF4 pieces shared by the dequantize and GEMV kernels: the code book and the per-block
// absmax, written with explicitly rounded operations so that they equal native/src/nf4_codec.cpp
// bit for bit (nvcc would otherwise contract a * b + c into one FMA, which rounds once, not twice).
#pragma once

#include <cstdint>

#include "sqlrl_cuda_kernels.h"

namespace sqlrl::cuda {

constexpr int kNf4Block = SQLRL_CUDA_NF4_BLOCK;

// The same decimal literals as nf4_codec.cpp's kCodebook, hence the same floats. static: one copy per
// translation unit (no relocatable device code), no clash of host shadow symbols.
static __constant__ const float kNf4Codebook[16] = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
    -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
    0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
    0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f};

// Copies the code book into shared memory: 16 words in 16 distinct banks, so a warp's lookups
// never conflict (same word: broadcast), unlike constant memory, which serializes distinct addresses.
__device__ __forceinline__ void load_codebook(float* shared_codebook) {
  if (threadIdx.x < 16) shared_codebook[threadIdx.x] = kNf4Codebook[threadIdx.x];
  __syncthreads();
}

// nf4_codec::dequantize_absmax: (float)code / 127.0f * scale + offset, each step rounded.
__device__ __forceinline__ float block_absmax(const sqlrl_cuda_nf4_absmax& absmax, int64_t block) {
  if (absmax.absmax != nullptr) return __ldg(absmax.absmax + block);
  float code = static_cast<float>(__ldg(absmax.absmax_codes + block));
  float scale = __ldg(absmax.absmax_scales + block / absmax.absmax_block);
  return __fadd_rn(__fmul_rn(__fdiv_rn(code, 127.0f), scale), absmax.absmax_offset);
}

// Code of value 2j (high nibble) or 2j + 1 (low nibble) of a little-endian word of 4 code bytes.
__device__ __forceinline__ uint32_t nf4_code(uint32_t word, int value) {
  return (word >> (8 * (value / 2) + ((value & 1) ? 0 : 4))) & 0x0Fu;
}

}  // namespace sqlrl::cuda
