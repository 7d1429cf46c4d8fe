// Fused NF4 GEMV / skinny GEMM for decode (batch m <= 16): y[m, n] = x[m, :] . W[n, :], the NF4 weight
// decoded in registers inside the dot product, so each code byte is read from memory exactly once.
//
// One warp per output feature n. A lane loads 16 bytes of codes at a time (32 weights, half an NF4
// block; the warp reads 512 contiguous bytes per load), kChunksInFlight loads before their first use.
// The dot product runs over raw code book values and is scaled by the block's absmax once per chunk.
// x (m * k bf16, at most 16 * 18944 * 2 = 600 KB for the 7B MLP) is re-read by every warp through
// L1/L2; at m = 16 that is 4 * m = 64 bytes of x per byte of codes, so large m is bound by L1 and by
// fp32 FMAs (a tensor-core mma.sync path is the next step there; see README.md).
#include <cuda_bf16.h>

#include <climits>

#include "launch_checks.h"
#include "nf4_device.cuh"

namespace sqlrl::cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;
constexpr int kValuesPerChunk = 32;  // one uint4 of codes
constexpr int kChunksInFlight = 2;

// sum of 8 weights times 8 bf16 values packed in a uint4 (element 0 in the low half of .x)
__device__ __forceinline__ float dot8(const float (&weights)[8], uint4 packed, float sum) {
  const uint32_t pairs[4] = {packed.x, packed.y, packed.z, packed.w};
#pragma unroll
  for (int p = 0; p < 4; ++p) {
    sum = fmaf(weights[2 * p], __uint_as_float(pairs[p] << 16), sum);
    sum = fmaf(weights[2 * p + 1], __uint_as_float(pairs[p] & 0xFFFF0000u), sum);
  }
  return sum;
}

// At least kMinBlocksPerSm blocks resident (<= 128 registers a thread), so that enough warps have
// their code loads in flight to cover memory latency.
constexpr int kMinBlocksPerSm = 4;

template <int kMaxM>
__global__ void __launch_bounds__(kThreads, kMinBlocksPerSm)
    nf4_gemv_kernel(const uint4* x, const uint4* codes, sqlrl_cuda_nf4_absmax absmax, int m, int64_t n_out,
                    int64_t k, __nv_bfloat16* y) {
  __shared__ float codebook[16];
  load_codebook(codebook);
  const int lane = threadIdx.x & 31;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kWarps + (threadIdx.x >> 5);
  if (row >= n_out) return;  // whole warps only: the shuffles below keep full masks

  const int64_t chunks = k / kValuesPerChunk;
  const int64_t x_row_vectors = k / 8;  // uint4 of bf16 per row of x
  const uint4* row_codes = codes + row * chunks;
  const int64_t first_block = row * (k / kNf4Block);

  float accumulator[kMaxM];
#pragma unroll
  for (int i = 0; i < kMaxM; ++i) accumulator[i] = 0.0f;

  for (int64_t base = lane; base < chunks; base += 32 * kChunksInFlight) {
    uint4 packed[kChunksInFlight];
#pragma unroll
    for (int u = 0; u < kChunksInFlight; ++u) {
      int64_t chunk = base + 32 * u;
      packed[u] = chunk < chunks ? __ldg(row_codes + chunk) : make_uint4(0, 0, 0, 0);
    }
#pragma unroll
    for (int u = 0; u < kChunksInFlight; ++u) {
      int64_t chunk = base + 32 * u;
      if (chunk >= chunks) break;
      float scale = block_absmax(absmax, first_block + chunk / 2);
      const uint32_t words[4] = {packed[u].x, packed[u].y, packed[u].z, packed[u].w};
      float partial[kMaxM];
#pragma unroll
      for (int i = 0; i < kMaxM; ++i) partial[i] = 0.0f;
#pragma unroll
      for (int w = 0; w < 4; ++w) {
        float weights[8];
#pragma unroll
        for (int v = 0; v < 8; ++v) weights[v] = codebook[nf4_code(words[w], v)];
#pragma unroll
        for (int i = 0; i < kMaxM; ++i) {
          if (i < m) partial[i] = dot8(weights, __ldg(x + i * x_row_vectors + chunk * 4 + w), partial[i]);
        }
      }
#pragma unroll
      for (int i = 0; i < kMaxM; ++i) accumulator[i] = fmaf(scale, partial[i], accumulator[i]);
    }
  }

#pragma unroll
  for (int i = 0; i < kMaxM; ++i) {
#pragma unroll
    for (int offset = 16; offset > 0; offset /= 2) accumulator[i] += __shfl_xor_sync(0xFFFFFFFFu, accumulator[i], offset);
  }
  // Lane i writes row i of y (compile-time register indices only, so nothing spills to local memory).
  float mine = 0.0f;
#pragma unroll
  for (int i = 0; i < kMaxM; ++i) {
    if (lane == i) mine = accumulator[i];
  }
  if (lane < m) y[lane * n_out + row] = __float2bfloat16_rn(mine);
}

template <int kMaxM>
void launch(const uint16_t* x, const uint8_t* codes, const sqlrl_cuda_nf4_absmax& absmax, int m, int64_t n_out,
            int64_t k, uint16_t* y, cudaStream_t stream) {
  unsigned blocks = static_cast<unsigned>((n_out + kWarps - 1) / kWarps);
  nf4_gemv_kernel<kMaxM><<<blocks, kThreads, 0, stream>>>(reinterpret_cast<const uint4*>(x),
                                                          reinterpret_cast<const uint4*>(codes), absmax, m, n_out, k,
                                                          reinterpret_cast<__nv_bfloat16*>(y));
}

}  // namespace
}  // namespace sqlrl::cuda

extern "C" cudaError_t sqlrl_cuda_nf4_gemv_bf16(const uint16_t* x, const uint8_t* codes, sqlrl_cuda_nf4_absmax absmax,
                                                int32_t m, int64_t n_out, int64_t k, uint16_t* y,
                                                cudaStream_t stream) {
  using namespace sqlrl::cuda;
  if (m < 1 || m > SQLRL_CUDA_NF4_GEMV_MAX_M || n_out < 1 || k < kNf4Block || k % kNf4Block != 0 ||
      (n_out + kWarps - 1) / kWarps > INT_MAX || x == nullptr || codes == nullptr || y == nullptr ||
      !valid_absmax(absmax)) {
    return cudaErrorInvalidValue;
  }
  if (!aligned_to(x, 16) || !aligned_to(codes, 16) || !aligned_to(y, 2)) return cudaErrorMisalignedAddress;
  // Instances for 1, 2, 4, 8, 16 rows; rows past m are skipped at run time.
  if (m == 1) {
    launch<1>(x, codes, absmax, m, n_out, k, y, stream);
  } else if (m == 2) {
    launch<2>(x, codes, absmax, m, n_out, k, y, stream);
  } else if (m <= 4) {
    launch<4>(x, codes, absmax, m, n_out, k, y, stream);
  } else if (m <= 8) {
    launch<8>(x, codes, absmax, m, n_out, k, y, stream);
  } else {
    launch<16>(x, codes, absmax, m, n_out, k, y, stream);
  }
  return cudaGetLastError();
}
