// The fused operators of a decode step (one new token per row): each is one call (one loop on the CPU, one
// kernel on CUDA) where the tensor-op form of transformer.cpp takes 5-20 ATen operators. They write into
// tensors the caller preallocated (so that a CUDA graph can record them) and take only contiguous tensors of
// the compute dtype. Their math, one row at a time, is decode_math.h; each shows up as one operator
// ("sqlrl::<name>") to libtorch's RecordFunction, so sqlrl_op_count counts it as the one call it is.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>

namespace sqlrl::decode_ops {

// Which keys each decode row sees: row r belongs to prompt r / samples_per_prompt, its new token sits at
// positions[r] (int64 [rows]) and is written to generated slot positions[r] - prompt_lengths[prompt].
struct DecodeRows {
  at::Tensor positions;       // int64 [rows], on the device
  at::Tensor prompt_lengths;  // int64 [prompts], on the device
  int64_t samples_per_prompt = 1;
  int64_t sliding_window = 0;  // 0: none
};

// out[r] = rms_norm(x[r]) * weight; x, out [rows, hidden]; weight fp32 [hidden].
void rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps, at::Tensor& out);

// residual[r] += delta[r] (in place), then out[r] = rms_norm(residual[r]) * weight.
void add_rms_norm(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight, double eps, at::Tensor& out);

// out = silu(gate) * up, all [rows, intermediate].
void silu_mul(const at::Tensor& gate, const at::Tensor& up, at::Tensor& out);

// The attention inputs of the new tokens: q [rows, heads * head_dim] gets (Qwen3: the per-head q_norm, then)
// RoPE at each row's position in place; k [rows, kv_heads * head_dim] the same with k_norm, and k and v
// [rows, kv_heads * head_dim] are stored into the generated caches [rows, kv_heads, capacity, head_dim] at each
// row's slot. q_norm / k_norm: fp32 [head_dim] or undefined.
void rope_and_store(at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const DecodeRows& rows,
                    const at::Tensor& inv_freq, const at::Tensor& q_norm, const at::Tensor& k_norm, double eps,
                    at::Tensor& generated_keys, at::Tensor& generated_values);

// Grouped-query attention of each row's new token over its prompt's keys (prompt caches [prompts, kv_heads,
// prompt_capacity, head_dim], read by all samples of the prompt: never copied per sample) and its own
// generated keys (caches [rows, kv_heads, capacity, head_dim]), as DecodeRows says; q [rows, heads *
// head_dim] -> out [rows, heads * head_dim]. Softmax in fp32.
void shared_prompt_attention(const at::Tensor& q, const at::Tensor& prompt_keys, const at::Tensor& prompt_values,
                             const at::Tensor& generated_keys, const at::Tensor& generated_values,
                             const DecodeRows& rows, at::Tensor& out);

}  // namespace sqlrl::decode_ops
