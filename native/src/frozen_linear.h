// The frozen base weight of one linear layer, stored as fp32, bf16 or NF4 (bitsandbytes layout),
// and turned back into a dense matrix of the compute dtype at each use.
#pragma once
#include <ATen/ATen.h>

#include <string>

#include "cuda_kernels.h"

namespace sqlrl {

class FrozenLinear {
 public:
  FrozenLinear() = default;
  // weight: [out, in] on the host, any float dtype. mode: SQLRL_WEIGHTS_*. name is for error messages.
  FrozenLinear(const std::string& name, const at::Tensor& weight, int32_t mode, bool double_quant,
               const at::Device& device, at::ScalarType compute_dtype);

  // A weight already in the bitsandbytes NF4 layout (blocks of 64): kept as it is in NF4 mode, dequantized
  // to the dense dtype otherwise. codes uint8 [out * in / 2], absmax fp32 [out * in / 64], on the host.
  static FrozenLinear from_nf4(const at::Tensor& codes, const at::Tensor& absmax, int64_t out_features,
                               int64_t in_features, int32_t mode, const at::Device& device,
                               at::ScalarType compute_dtype);

  // Benchmarks: a weight of random values made on the device itself (no host copy, no quantization):
  // normal(0, std) for fp32 / bf16; for NF4 uniformly random codes with block absmax in [1.5, 2.5] * std
  // (double-quantized when asked), a valid NF4 tensor of about the same spread.
  static FrozenLinear random(int64_t out_features, int64_t in_features, int32_t mode, bool double_quant,
                             const at::Device& device, at::ScalarType compute_dtype, at::Generator& generator,
                             double std);

  // The dense [out, in] weight in the compute dtype (dequantized / upcast on the fly).
  at::Tensor dense() const;
  // dense() where it is stored as such (a fp32 / bf16 weight in the compute dtype, or held dense), else undefined:
  // a dense matrix that costs no conversion at each use.
  at::Tensor stored_dense() const;
  // x [..., in] @ weight^T (+ bias): the layer's output in x's dtype. On CUDA an NF4 weight goes through
  // native/cuda's kernels (fused GEMV for decode, else dequantize + GEMM); elsewhere through dense().
  // tensor_core_gemm: NF4 batches of 17..64 rows on CUDA without a gradient go through the tensor-core GEMM
  // (sqlrl_model_set_tensor_core_gemm) instead of dequantize + GEMM.
  at::Tensor apply(const at::Tensor& x, const at::Tensor& bias, bool tensor_core_gemm = false) const;
  int64_t bytes() const;
  int64_t out_features() const { return out_features_; }
  int64_t in_features() const { return in_features_; }

  // For the length of a generate call: keep dense() materialized, so that each decode step reads the
  // dense matrix instead of dequantizing again (a dense copy of the weights held meanwhile).
  void hold_dense();
  void release_dense();

 private:
  // NF4 values [out, in]: fp32 from the CPU codec, bf16 from native/cuda's kernel on CUDA.
  at::Tensor dequantize_nf4() const;
  at::Tensor block_absmax() const;
  cuda_kernels::Nf4Absmax kernel_absmax() const;

  int32_t mode_ = 0;
  int64_t out_features_ = 0;
  int64_t in_features_ = 0;
  at::ScalarType compute_dtype_ = at::kFloat;
  at::Tensor weight_;          // fp32 / bf16 modes
  at::Tensor codes_;           // NF4: uint8 [out * in / 2]
  at::Tensor absmax_;          // NF4 without double quantization: fp32 [out * in / 64]
  at::Tensor absmax_codes_;    // NF4 with double quantization: int8 [out * in / 64]
  at::Tensor absmax_scales_;   //   fp32, one per block of 256 absmax values
  float absmax_offset_ = 0.0f;  //   the mean subtracted before quantizing them
  at::Tensor held_dense_;       // hold_dense(): dense() in the compute dtype, until release_dense()
};

constexpr int32_t kNf4BlockSize = 64;
constexpr int32_t kAbsmaxBlockSize = 256;

}  // namespace sqlrl
