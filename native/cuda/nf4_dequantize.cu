// NF4 -> fp32 / bf16 dequantize. Each thread decodes 4-byte words of codes (8 values), kWordsPerThread
// of them, grid-strided, so a warp loads 128 contiguous code bytes per step and stores its 8 values as
// 16-byte vectors that are contiguous across the warp: the output, 4x (bf16) or 8x (fp32) the bytes
// of the codes, dominates the traffic, so its stores are the ones kept fully coalesced.
#include <cuda_bf16.h>

#include <climits>

#include "launch_checks.h"
#include "nf4_device.cuh"

namespace sqlrl::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kWordsPerThread = 4;  // independent loads in flight per thread
constexpr int kValuesPerWord = 8;
constexpr int kWordsPerBlock = kNf4Block / kValuesPerWord;

__device__ __forceinline__ void store_values(float* out, const float (&values)[kValuesPerWord]) {
  float4* destination = reinterpret_cast<float4*>(out);
  destination[0] = make_float4(values[0], values[1], values[2], values[3]);
  destination[1] = make_float4(values[4], values[5], values[6], values[7]);
}

__device__ __forceinline__ uint32_t pack_bf16x2(float first, float second) {
  __nv_bfloat162 pair = __floats2bfloat162_rn(first, second);  // .x (first) at the lower address
  return *reinterpret_cast<uint32_t*>(&pair);
}

__device__ __forceinline__ void store_values(__nv_bfloat16* out, const float (&values)[kValuesPerWord]) {
  *reinterpret_cast<uint4*>(out) = make_uint4(pack_bf16x2(values[0], values[1]), pack_bf16x2(values[2], values[3]),
                                              pack_bf16x2(values[4], values[5]), pack_bf16x2(values[6], values[7]));
}

template <typename Out>
__global__ void __launch_bounds__(kThreads)
    nf4_dequantize_kernel(const uint32_t* words, sqlrl_cuda_nf4_absmax absmax, int64_t word_count, Out* out) {
  __shared__ float codebook[16];
  load_codebook(codebook);
  const int64_t stride = static_cast<int64_t>(gridDim.x) * kThreads;
  for (int64_t first = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x; first < word_count;
       first += stride * kWordsPerThread) {
    uint32_t word[kWordsPerThread];
#pragma unroll
    for (int j = 0; j < kWordsPerThread; ++j) {
      int64_t index = first + j * stride;
      word[j] = index < word_count ? __ldg(words + index) : 0u;
    }
#pragma unroll
    for (int j = 0; j < kWordsPerThread; ++j) {
      int64_t index = first + j * stride;
      if (index >= word_count) break;
      float scale = block_absmax(absmax, index / kWordsPerBlock);
      float values[kValuesPerWord];
#pragma unroll
      for (int v = 0; v < kValuesPerWord; ++v) values[v] = __fmul_rn(codebook[nf4_code(word[j], v)], scale);
      store_values(out + index * kValuesPerWord, values);
    }
  }
}

template <typename Out>
cudaError_t launch_dequantize(const uint8_t* codes, const sqlrl_cuda_nf4_absmax& absmax, int64_t n, Out* out,
                              cudaStream_t stream) {
  if (n < 0 || n % kNf4Block != 0 || !valid_absmax(absmax) || codes == nullptr || out == nullptr) {
    return cudaErrorInvalidValue;
  }
  if (n == 0) return cudaSuccess;
  if (!aligned_to(codes, 4) || !aligned_to(out, 16)) return cudaErrorMisalignedAddress;
  int64_t word_count = n / kValuesPerWord;
  int64_t blocks = (word_count + kThreads * kWordsPerThread - 1) / (kThreads * kWordsPerThread);
  if (blocks > INT_MAX) blocks = INT_MAX;  // the grid-stride loop covers the rest
  nf4_dequantize_kernel<Out><<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(
      reinterpret_cast<const uint32_t*>(codes), absmax, word_count, out);
  return cudaGetLastError();
}

}  // namespace
}  // namespace sqlrl::cuda

extern "C" cudaError_t sqlrl_cuda_nf4_dequantize_f32(const uint8_t* codes, sqlrl_cuda_nf4_absmax absmax, int64_t n,
                                                     float* out, cudaStream_t stream) {
  return sqlrl::cuda::launch_dequantize(codes, absmax, n, out, stream);
}

extern "C" cudaError_t sqlrl_cuda_nf4_dequantize_bf16(const uint8_t* codes, sqlrl_cuda_nf4_absmax absmax, int64_t n,
                                                      uint16_t* out, cudaStream_t stream) {
  return sqlrl::cuda::launch_dequantize(codes, absmax, n, reinterpret_cast<__nv_bfloat16*>(out), stream);
}
