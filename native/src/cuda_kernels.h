// libsqlrl's side of native/cuda: tensors in, kernel launches on the current CUDA stream, tensors out.
// Compiled only into CUDA builds that also build native/cuda (SQLRL_WITH_CUDA_KERNELS); elsewhere
// available() is false and the callers keep their tensor-op path.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>

#include "decode_ops.h"
#include "nf4_gemv_shape.h"

namespace sqlrl::cuda_kernels {

// Where the absmax of an NF4 weight lives: plain fp32, or double-quantized (codes + scales + offset).
struct Nf4Absmax {
  const at::Tensor* absmax = nullptr;         // fp32 [blocks], or undefined
  const at::Tensor* absmax_codes = nullptr;   // int8 [blocks] when double-quantized
  const at::Tensor* absmax_scales = nullptr;  // fp32 [ceil(blocks / 256)]
  float absmax_offset = 0.0f;
};

constexpr bool available() {
#ifdef SQLRL_WITH_CUDA_KERNELS
  return true;
#else
  return false;
#endif
}

// The dense bf16 [rows, cols] weight of NF4 codes, bit-identical to the CPU codec's values rounded to bf16.
at::Tensor nf4_dequantize_bf16(const at::Tensor& codes, const Nf4Absmax& absmax, int64_t rows, int64_t cols);
// y [m, n_out] = x [m, k] @ W^T for bf16 x where gemv_accepts(m, k), W the NF4 weight [n_out, k].
at::Tensor nf4_gemv_bf16(const at::Tensor& x, const at::Tensor& codes, const Nf4Absmax& absmax, int64_t n_out);
// The same product for gemm_accepts(m, k) through the tensor-core NF4 GEMM (tiles dequantized in shared memory).
at::Tensor nf4_gemm_bf16(const at::Tensor& x, const at::Tensor& codes, const Nf4Absmax& absmax, int64_t n_out);
// One token per row of fp32 or bf16 logits [rows, vocab] on the device: int64 tokens and fp32 log-probs,
// drawn with Philox keyed by (seed, row, step), or by (row_seeds[row], step) when row_seeds (int64 [rows] on the
// device) is defined (see native/cuda/sqlrl_cuda_kernels.h for the semantics).
void sample(const at::Tensor& logits, bool greedy, double temperature, int64_t top_k, double top_p, uint64_t seed,
            const at::Tensor& row_seeds, uint64_t step, at::Tensor* tokens, at::Tensor* logprobs);

// The fused decode operators of decode_ops.h on CUDA tensors (same arguments and semantics).
void rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps, at::Tensor& out);
void add_rms_norm(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight, double eps, at::Tensor& out);
void silu_mul(const at::Tensor& gate, const at::Tensor& up, at::Tensor& out);
void rope_and_store(at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const decode_ops::DecodeRows& rows,
                    const at::Tensor& inv_freq, const at::Tensor& q_norm, const at::Tensor& k_norm, double eps,
                    at::Tensor& generated_keys, at::Tensor& generated_values);
void shared_prompt_attention(const at::Tensor& q, const at::Tensor& prompt_keys, const at::Tensor& prompt_values,
                             const at::Tensor& generated_keys, const at::Tensor& generated_values,
                             const decode_ops::DecodeRows& rows, at::Tensor& out);

}  // namespace sqlrl::cuda_kernels
