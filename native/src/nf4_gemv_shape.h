// Which matmuls the fused NF4 GEMV (native/cuda/nf4_gemv.cu) and the tensor-core NF4 GEMM (nf4_gemm.cu) take. Torch-free so that the CPU
// tests can check the rule that FrozenLinear applies before it launches the kernel.
#pragma once
#include <cstdint>

namespace sqlrl::cuda_kernels {

// Largest row count the fused GEMV takes (SQLRL_CUDA_NF4_GEMV_MAX_M).
constexpr int64_t kGemvMaxRows = 16;
// The kernel reads whole 64-value NF4 blocks along k (SQLRL_CUDA_NF4_BLOCK).
constexpr int64_t kGemvBlock = 64;

// True when nf4_gemv.cu accepts x [rows, in_features]: otherwise it answers cudaErrorInvalidValue, so the
// caller must take the dequantize + GEMM path instead (e.g. an intermediate size of 176).
constexpr bool gemv_accepts(int64_t rows, int64_t in_features) {
  return rows >= 1 && rows <= kGemvMaxRows && in_features >= kGemvBlock && in_features % kGemvBlock == 0;
}

// Largest row count the tensor-core GEMM takes (SQLRL_CUDA_NF4_GEMM_MAX_M); k as the GEMV's.
constexpr int64_t kGemmMaxRows = 64;

constexpr bool gemm_accepts(int64_t rows, int64_t in_features) {
  return rows >= 1 && rows <= kGemmMaxRows && in_features >= kGemvBlock && in_features % kGemvBlock == 0;
}

}  // namespace sqlrl::cuda_kernels
