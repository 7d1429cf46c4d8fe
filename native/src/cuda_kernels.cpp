// Launches native/cuda's kernels on tensors (see cuda_kernels.h). Whole file compiled only where the
// kernels are linked in; the headers it needs (c10/cuda) exist only in CUDA builds of libtorch.
#ifdef SQLRL_WITH_CUDA_KERNELS
#include "cuda_kernels.h"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <string>

#include "api_guard.h"
#include "sqlrl_cuda_kernels.h"

namespace sqlrl::cuda_kernels {

static_assert(kGemvMaxRows == SQLRL_CUDA_NF4_GEMV_MAX_M && kGemvBlock == SQLRL_CUDA_NF4_BLOCK &&
                  kGemmMaxRows == SQLRL_CUDA_NF4_GEMM_MAX_M,
              "nf4_gemv_shape.h must state the kernels' own limits");

namespace {
void check_launch(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return;
  if (status == cudaErrorInvalidValue || status == cudaErrorMisalignedAddress) {
    throw InvalidArgument(std::string(what) + ": " + cudaGetErrorString(status));
  }
  throw std::runtime_error(std::string(what) + " failed: " + cudaGetErrorString(status));
}

sqlrl_cuda_nf4_absmax launcher_absmax(const Nf4Absmax& absmax) {
  sqlrl_cuda_nf4_absmax out{};
  if (absmax.absmax != nullptr && absmax.absmax->defined()) {
    out.absmax = absmax.absmax->data_ptr<float>();
    return out;
  }
  out.absmax_codes = absmax.absmax_codes->data_ptr<int8_t>();
  out.absmax_scales = absmax.absmax_scales->data_ptr<float>();
  out.absmax_offset = absmax.absmax_offset;
  out.absmax_block = 256;
  return out;
}

uint16_t* bf16_bits(at::Tensor& t) { return reinterpret_cast<uint16_t*>(t.data_ptr<at::BFloat16>()); }
}  // namespace

at::Tensor nf4_dequantize_bf16(const at::Tensor& codes, const Nf4Absmax& absmax, int64_t rows, int64_t cols) {
  c10::cuda::CUDAGuard device_guard(codes.device());
  at::Tensor out = at::empty({rows, cols}, codes.options().dtype(at::kBFloat16));
  check_launch(sqlrl_cuda_nf4_dequantize_bf16(codes.data_ptr<uint8_t>(), launcher_absmax(absmax), rows * cols,
                                              bf16_bits(out), c10::cuda::getCurrentCUDAStream().stream()),
               "NF4 dequantize kernel");
  return out;
}

at::Tensor nf4_gemv_bf16(const at::Tensor& x, const at::Tensor& codes, const Nf4Absmax& absmax, int64_t n_out) {
  c10::cuda::CUDAGuard device_guard(codes.device());
  at::Tensor input = x.to(at::kBFloat16).contiguous();
  int64_t m = input.size(0), k = input.size(1);
  at::Tensor y = at::empty({m, n_out}, input.options());
  check_launch(sqlrl_cuda_nf4_gemv_bf16(bf16_bits(input), codes.data_ptr<uint8_t>(), launcher_absmax(absmax),
                                        static_cast<int32_t>(m), n_out, k, bf16_bits(y),
                                        c10::cuda::getCurrentCUDAStream().stream()),
               "NF4 GEMV kernel");
  return y;
}

at::Tensor nf4_gemm_bf16(const at::Tensor& x, const at::Tensor& codes, const Nf4Absmax& absmax, int64_t n_out) {
  c10::cuda::CUDAGuard device_guard(codes.device());
  at::Tensor input = x.to(at::kBFloat16).contiguous();
  int64_t m = input.size(0), k = input.size(1);
  int64_t workspace_floats = sqlrl_cuda_nf4_gemm_workspace(static_cast<int32_t>(m), n_out, k);
  if (workspace_floats < 0) throw InvalidArgument("NF4 GEMM: unsupported shape");
  at::Tensor workspace = at::empty({workspace_floats}, input.options().dtype(at::kFloat));
  at::Tensor y = at::empty({m, n_out}, input.options());
  check_launch(sqlrl_cuda_nf4_gemm_bf16(bf16_bits(input), codes.data_ptr<uint8_t>(), launcher_absmax(absmax),
                                        static_cast<int32_t>(m), n_out, k, workspace.data_ptr<float>(),
                                        workspace_floats, bf16_bits(y), c10::cuda::getCurrentCUDAStream().stream()),
               "NF4 GEMM kernel");
  return y;
}

void sample(const at::Tensor& logits, bool greedy, double temperature, int64_t top_k, double top_p, uint64_t seed,
            const at::Tensor& row_seeds, uint64_t step, at::Tensor* tokens, at::Tensor* logprobs) {
  c10::cuda::CUDAGuard device_guard(logits.device());
  at::Tensor rows_logits = logits.contiguous();
  int64_t rows = rows_logits.size(0), vocab = rows_logits.size(1);
  at::Tensor out_tokens = at::empty({rows}, rows_logits.options().dtype(at::kInt));
  at::Tensor out_logprobs = at::empty({rows}, rows_logits.options().dtype(at::kFloat));
  sqlrl_cuda_sampling settings{};
  settings.greedy = greedy ? 1 : 0;
  settings.temperature = static_cast<float>(temperature);
  settings.top_k = static_cast<int32_t>(top_k);
  settings.top_p = static_cast<float>(top_p);
  settings.row_seeds = row_seeds.defined() ? reinterpret_cast<const uint64_t*>(row_seeds.data_ptr<int64_t>()) : nullptr;
  cudaStream_t stream = c10::cuda::getCurrentCUDAStream().stream();
  bool bf16 = rows_logits.scalar_type() == at::kBFloat16;
  at::Tensor values = bf16 ? rows_logits : rows_logits.to(at::kFloat);
  cudaError_t status =
      bf16 ? sqlrl_cuda_sample_bf16(bf16_bits(values), static_cast<int32_t>(rows), static_cast<int32_t>(vocab),
                                    settings, seed, step, out_tokens.data_ptr<int32_t>(),
                                    out_logprobs.data_ptr<float>(), stream)
           : sqlrl_cuda_sample_f32(values.data_ptr<float>(), static_cast<int32_t>(rows), static_cast<int32_t>(vocab),
                                   settings, seed, step, out_tokens.data_ptr<int32_t>(),
                                   out_logprobs.data_ptr<float>(), stream);
  check_launch(status, "sampling kernel");
  *tokens = out_tokens.to(at::kLong);
  *logprobs = out_logprobs;
}

namespace {
// The launchers' dtype code of a compute dtype (fp32 or bf16 on CUDA).
int32_t kernel_dtype(const at::Tensor& t) {
  if (t.scalar_type() == at::kFloat) return SQLRL_CUDA_F32;
  if (t.scalar_type() == at::kBFloat16) return SQLRL_CUDA_BF16;
  throw InvalidArgument(std::string("the decode kernels take fp32 or bf16, not ") + c10::toString(t.scalar_type()));
}

sqlrl_cuda_decode_rows kernel_rows(const decode_ops::DecodeRows& rows) {
  sqlrl_cuda_decode_rows out{};
  out.positions = rows.positions.data_ptr<int64_t>();
  out.prompt_lengths = rows.prompt_lengths.data_ptr<int64_t>();
  out.rows = static_cast<int32_t>(rows.positions.size(0));
  out.samples_per_prompt = static_cast<int32_t>(rows.samples_per_prompt);
  out.sliding_window = static_cast<int32_t>(rows.sliding_window);
  return out;
}

// heads from q's width; the rest from the caches [batch, kv_heads, capacity, head_dim].
sqlrl_cuda_attention_shape kernel_shape(const at::Tensor& q, const at::Tensor* prompt_keys, const at::Tensor& generated_keys) {
  sqlrl_cuda_attention_shape shape{};
  shape.kv_heads = static_cast<int32_t>(generated_keys.size(1));
  shape.generated_capacity = static_cast<int32_t>(generated_keys.size(2));
  shape.head_dim = static_cast<int32_t>(generated_keys.size(3));
  shape.heads = static_cast<int32_t>(q.size(1) / shape.head_dim);
  shape.prompt_capacity = prompt_keys != nullptr ? static_cast<int32_t>(prompt_keys->size(2)) : 0;
  return shape;
}

cudaStream_t current_stream() { return c10::cuda::getCurrentCUDAStream().stream(); }
}  // namespace

void rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps, at::Tensor& out) {
  c10::cuda::CUDAGuard device_guard(x.device());
  check_launch(sqlrl_cuda_rms_norm(kernel_dtype(x), x.data_ptr(), weight.data_ptr<float>(), x.size(0), x.size(1),
                                   static_cast<float>(eps), out.data_ptr(), current_stream()),
               "RMSNorm kernel");
}

void add_rms_norm(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight, double eps, at::Tensor& out) {
  c10::cuda::CUDAGuard device_guard(residual.device());
  check_launch(sqlrl_cuda_add_rms_norm(kernel_dtype(residual), residual.data_ptr(), delta.data_ptr(),
                                       weight.data_ptr<float>(), residual.size(0), residual.size(1),
                                       static_cast<float>(eps), out.data_ptr(), current_stream()),
               "add + RMSNorm kernel");
}

void silu_mul(const at::Tensor& gate, const at::Tensor& up, at::Tensor& out) {
  c10::cuda::CUDAGuard device_guard(gate.device());
  check_launch(sqlrl_cuda_silu_mul(kernel_dtype(gate), gate.data_ptr(), up.data_ptr(), gate.numel(), out.data_ptr(),
                                   current_stream()),
               "SiLU-mul kernel");
}

void rope_and_store(at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const decode_ops::DecodeRows& rows,
                    const at::Tensor& inv_freq, const at::Tensor& q_norm, const at::Tensor& k_norm, double eps,
                    at::Tensor& generated_keys, at::Tensor& generated_values) {
  c10::cuda::CUDAGuard device_guard(q.device());
  check_launch(sqlrl_cuda_rope_and_store(kernel_dtype(q), q.data_ptr(), k.data_ptr(), v.data_ptr(), kernel_rows(rows),
                                         kernel_shape(q, nullptr, generated_keys), inv_freq.data_ptr<float>(),
                                         q_norm.defined() ? q_norm.data_ptr<float>() : nullptr,
                                         k_norm.defined() ? k_norm.data_ptr<float>() : nullptr, static_cast<float>(eps),
                                         generated_keys.data_ptr(), generated_values.data_ptr(), current_stream()),
               "RoPE + K/V store kernel");
}

void shared_prompt_attention(const at::Tensor& q, const at::Tensor& prompt_keys, const at::Tensor& prompt_values,
                             const at::Tensor& generated_keys, const at::Tensor& generated_values,
                             const decode_ops::DecodeRows& rows, at::Tensor& out) {
  c10::cuda::CUDAGuard device_guard(q.device());
  check_launch(sqlrl_cuda_shared_prompt_attention(kernel_dtype(q), q.data_ptr(), prompt_keys.data_ptr(),
                                                  prompt_values.data_ptr(), generated_keys.data_ptr(),
                                                  generated_values.data_ptr(), kernel_rows(rows),
                                                  kernel_shape(q, &prompt_keys, generated_keys), out.data_ptr(),
                                                  current_stream()),
               "decode attention kernel");
}

}  // namespace sqlrl::cuda_kernels
#endif  // SQLRL_WITH_CUDA_KERNELS
