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

static_assert(kGemvMaxRows == SQLRL_CUDA_NF4_GEMV_MAX_M && kGemvBlock == SQLRL_CUDA_NF4_BLOCK,
              "nf4_gemv_shape.h must state the kernel's own limits");

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

}  // namespace sqlrl::cuda_kernels
#endif  // SQLRL_WITH_CUDA_KERNELS
