// Tensor-core NF4 GEMM for decode batches of up to 64 rows: y[m, n] = x[m, :] . W[n, :] with bf16 mma.sync
// (m16n8k16, fp32 accumulation), W's NF4 codes dequantized into shared memory tile by tile, so that memory
// moves the NF4 bytes (0.5 byte per weight plus the absmax) instead of a dense bf16 copy (2 bytes, written
// then read again by a GEMM, which is what dequantize + cuBLAS costs per projection and step).
//
// Block: 4 warps, an output tile of all m rows (up to 64: 4 m16 tiles) x 64 columns of W (16 per warp: 2 n8
// tiles), walking k in tiles of 64 (one NF4 block per W row and tile). Two shared buffers: while the warps
// multiply one tile, the next tile's codes and x are already loaded into registers (in flight), then
// dequantized into the other buffer. Shared rows are 72 bf16 apart, so the fragment loads of a warp fall in
// 32 distinct banks. K is split across blockIdx.y when the columns alone give too few blocks to keep HBM
// busy; each split writes fp32 partial sums, and a second kernel adds the splits in order (deterministic).
// The dequantized values are the dequantize kernel's (codebook * absmax rounded once, then to bf16), so the
// result is the bf16 GEMM of the same matrix up to summation order.
#include <cuda_bf16.h>

#include <algorithm>

#include "launch_checks.h"
#include "nf4_device.cuh"

namespace sqlrl::cuda {
namespace {

constexpr int kThreads = 128;
constexpr int kTileN = 64;
constexpr int kTileK = 64;  // = kNf4Block: one absmax per W row and tile
constexpr int kStride = kTileK + 8;
constexpr int kBlocksPerSmWanted = 4;

static_assert(kTileK == kNf4Block, "a k tile is one NF4 block of each W row");

struct TileStage {  // one k tile in registers, between its global loads and its shared stores
  uint4 x[4];       // 4 x 8 bf16: thread t holds x[(t + 128 i) / 8][8 * ((t + 128 i) % 8) ...]
  uint4 codes;      // 32 codes of W row t / 2, half t % 2 of the tile
  float absmax;
};

__device__ __forceinline__ void load_stage(TileStage& stage, const __nv_bfloat16* x, const uint8_t* codes,
                                           const sqlrl_cuda_nf4_absmax& absmax, int m, int64_t n_out, int64_t k,
                                           int64_t n0, int64_t k0) {
  const int tid = threadIdx.x;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    int index = tid + kThreads * i, row = index / 8, column = (index % 8) * 8;
    stage.x[i] = row < m ? *reinterpret_cast<const uint4*>(x + static_cast<int64_t>(row) * k + k0 + column)
                         : make_uint4(0, 0, 0, 0);
  }
  int64_t n = n0 + tid / 2;
  if (n < n_out) {
    int64_t first_value = n * k + k0 + (tid % 2) * 32;
    stage.codes = __ldg(reinterpret_cast<const uint4*>(codes + first_value / 2));
    stage.absmax = block_absmax(absmax, (n * k + k0) / kNf4Block);
  } else {
    stage.codes = make_uint4(0, 0, 0, 0);
    stage.absmax = 0.0f;  // zero weights for the columns past n_out (never written out)
  }
}

__device__ __forceinline__ void store_stage(const TileStage& stage, __nv_bfloat16 (*xs)[kStride],
                                            __nv_bfloat16 (*ws)[kStride], const float* codebook) {
  const int tid = threadIdx.x;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    int index = tid + kThreads * i;
    *reinterpret_cast<uint4*>(&xs[index / 8][(index % 8) * 8]) = stage.x[i];
  }
  const uint32_t words[4] = {stage.codes.x, stage.codes.y, stage.codes.z, stage.codes.w};
  __nv_bfloat16* row = &ws[tid / 2][(tid % 2) * 32];
#pragma unroll
  for (int w = 0; w < 4; ++w) {
    uint32_t packed[4];
#pragma unroll
    for (int p = 0; p < 4; ++p) {
      float first = __fmul_rn(codebook[nf4_code(words[w], 2 * p)], stage.absmax);
      float second = __fmul_rn(codebook[nf4_code(words[w], 2 * p + 1)], stage.absmax);
      __nv_bfloat162 pair = __floats2bfloat162_rn(first, second);  // .x (first) at the lower address
      packed[p] = *reinterpret_cast<uint32_t*>(&pair);
    }
    *reinterpret_cast<uint4*>(row + 8 * w) = make_uint4(packed[0], packed[1], packed[2], packed[3]);
  }
}

__device__ __forceinline__ uint32_t shared_pair(const __nv_bfloat16* at) { return *reinterpret_cast<const uint32_t*>(at); }

__device__ __forceinline__ void mma_bf16(float (&c)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
      "{%0, %1, %2, %3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

__global__ void __launch_bounds__(kThreads) nf4_gemm_kernel(const __nv_bfloat16* x, const uint8_t* codes,
                                                            sqlrl_cuda_nf4_absmax absmax, int m, int64_t n_out,
                                                            int64_t k, int64_t k_per_split, float* partial) {
  __shared__ __align__(16) __nv_bfloat16 xs[2][64][kStride];
  __shared__ __align__(16) __nv_bfloat16 ws[2][kTileN][kStride];
  __shared__ float codebook[16];
  load_codebook(codebook);

  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const int group = lane / 4, in_group = lane % 4;  // the mma fragments' groupID / threadID_in_group
  const int m_tiles = (m + 15) / 16;
  const int64_t n0 = static_cast<int64_t>(blockIdx.x) * kTileN;
  const int64_t k_begin = static_cast<int64_t>(blockIdx.y) * k_per_split;
  const int64_t k_end = min(k, k_begin + k_per_split);
  const int64_t tiles = (k_end - k_begin) / kTileK;

  float accumulator[4][2][4] = {};
  TileStage stage;
  load_stage(stage, x, codes, absmax, m, n_out, k, n0, k_begin);
  store_stage(stage, xs[0], ws[0], codebook);
  __syncthreads();
  for (int64_t t = 0; t < tiles; ++t) {
    const int buffer = static_cast<int>(t % 2);
    const bool more = t + 1 < tiles;
    if (more) load_stage(stage, x, codes, absmax, m, n_out, k, n0, k_begin + (t + 1) * kTileK);
#pragma unroll
    for (int kk = 0; kk < kTileK; kk += 16) {
      uint32_t b[2][2];
#pragma unroll
      for (int nt = 0; nt < 2; ++nt) {
        const __nv_bfloat16* column = &ws[buffer][warp * 16 + nt * 8 + group][kk + 2 * in_group];
        b[nt][0] = shared_pair(column);
        b[nt][1] = shared_pair(column + 8);
      }
#pragma unroll
      for (int mt = 0; mt < 4; ++mt) {
        if (mt >= m_tiles) break;
        const __nv_bfloat16* top = &xs[buffer][mt * 16 + group][kk + 2 * in_group];
        const __nv_bfloat16* bottom = &xs[buffer][mt * 16 + group + 8][kk + 2 * in_group];
        uint32_t a[4] = {shared_pair(top), shared_pair(bottom), shared_pair(top + 8), shared_pair(bottom + 8)};
        mma_bf16(accumulator[mt][0], a, b[0]);
        mma_bf16(accumulator[mt][1], a, b[1]);
      }
    }
    if (more) store_stage(stage, xs[1 - buffer], ws[1 - buffer], codebook);
    __syncthreads();
  }

  float* out = partial + static_cast<int64_t>(blockIdx.y) * m * n_out;
#pragma unroll
  for (int mt = 0; mt < 4; ++mt) {
#pragma unroll
    for (int nt = 0; nt < 2; ++nt) {
      int64_t column = n0 + warp * 16 + nt * 8 + 2 * in_group;
#pragma unroll
      for (int half = 0; half < 2; ++half) {
        int row = mt * 16 + group + 8 * half;
        if (row >= m) continue;
        if (column < n_out) out[row * n_out + column] = accumulator[mt][nt][2 * half];
        if (column + 1 < n_out) out[row * n_out + column + 1] = accumulator[mt][nt][2 * half + 1];
      }
    }
  }
}

// y = the splits' partial sums added in split order, rounded to bf16 once.
__global__ void sum_splits_kernel(const float* partial, int splits, int64_t count, __nv_bfloat16* y) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    float sum = 0.0f;
    for (int s = 0; s < splits; ++s) sum += partial[s * count + i];
    y[i] = __float2bfloat16_rn(sum);
  }
}

// How many k splits: enough blocks for kBlocksPerSmWanted per SM, each split at least one k tile.
int split_count(int64_t n_out, int64_t k) {
  int device = 0, sms = 132;
  if (cudaGetDevice(&device) != cudaSuccess || cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess) {
    sms = 132;
  }
  int64_t column_blocks = (n_out + kTileN - 1) / kTileN, k_tiles = k / kTileK;
  int64_t wanted = (static_cast<int64_t>(sms) * kBlocksPerSmWanted + column_blocks - 1) / column_blocks;
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(wanted, k_tiles)));
}

}  // namespace
}  // namespace sqlrl::cuda

using namespace sqlrl::cuda;

extern "C" int64_t sqlrl_cuda_nf4_gemm_workspace(int32_t m, int64_t n_out, int64_t k) {
  if (m < 1 || m > SQLRL_CUDA_NF4_GEMM_MAX_M || n_out < 1 || k < kTileK || k % kTileK != 0) return -1;
  return static_cast<int64_t>(split_count(n_out, k)) * m * n_out;
}

extern "C" cudaError_t sqlrl_cuda_nf4_gemm_bf16(const uint16_t* x, const uint8_t* codes, sqlrl_cuda_nf4_absmax absmax,
                                                int32_t m, int64_t n_out, int64_t k, float* workspace,
                                                int64_t workspace_floats, uint16_t* y, cudaStream_t stream) {
  int64_t needed = sqlrl_cuda_nf4_gemm_workspace(m, n_out, k);
  if (needed < 0 || workspace_floats < needed || x == nullptr || codes == nullptr || workspace == nullptr ||
      y == nullptr || !valid_absmax(absmax)) {
    return cudaErrorInvalidValue;
  }
  if (!aligned_to(x, 16) || !aligned_to(codes, 16)) return cudaErrorMisalignedAddress;
  int splits = static_cast<int>(needed / (static_cast<int64_t>(m) * n_out));
  int64_t k_tiles = k / kTileK, tiles_per_split = (k_tiles + splits - 1) / splits;
  splits = static_cast<int>((k_tiles + tiles_per_split - 1) / tiles_per_split);  // no empty split
  dim3 grid(static_cast<unsigned>((n_out + kTileN - 1) / kTileN), static_cast<unsigned>(splits));
  nf4_gemm_kernel<<<grid, kThreads, 0, stream>>>(reinterpret_cast<const __nv_bfloat16*>(x), codes, absmax, m, n_out,
                                                  k, tiles_per_split * kTileK, workspace);
  cudaError_t status = cudaGetLastError();
  if (status != cudaSuccess) return status;
  int64_t count = static_cast<int64_t>(m) * n_out;
  unsigned blocks = static_cast<unsigned>(std::min<int64_t>((count + 255) / 256, 4096));
  sum_splits_kernel<<<blocks, 256, 0, stream>>>(workspace, splits, count, reinterpret_cast<__nv_bfloat16*>(y));
  return cudaGetLastError();
}
