#include "frozen_linear.h"

#include "api_guard.h"
#include "nf4_codec.h"
#include "torch_compat.h"

namespace sqlrl {

FrozenLinear::FrozenLinear(const std::string& name, const at::Tensor& weight, int32_t mode, bool double_quant,
                           const at::Device& device, at::ScalarType compute_dtype)
    : mode_(mode), out_features_(weight.size(0)), in_features_(weight.size(1)), compute_dtype_(compute_dtype) {
  if (mode == SQLRL_WEIGHTS_FP32) {
    weight_ = weight.to(device, at::kFloat).contiguous();
  } else if (mode == SQLRL_WEIGHTS_BF16) {
    weight_ = weight.to(device, at::kBFloat16).contiguous();
  } else {
    int64_t n = weight.numel();
    if (n % kNf4BlockSize != 0) {
      throw Unsupported("NF4 needs a multiple of " + std::to_string(kNf4BlockSize) + " values per tensor; " + name +
                        " has " + std::to_string(n));
    }
    // Quantized on the host with the reference codec so every device stores identical codes.
    at::Tensor values = weight.to(at::kFloat).contiguous();
    at::Tensor codes = at::empty({n / 2}, at::kByte);
    at::Tensor absmax = at::empty({n / kNf4BlockSize}, at::kFloat);
    nf4::quantize(values.data_ptr<float>(), n, kNf4BlockSize, codes.data_ptr<uint8_t>(), absmax.data_ptr<float>());
    codes_ = codes.to(device);
    if (double_quant) {
      int64_t blocks = absmax.numel();
      at::Tensor absmax_codes = at::empty({blocks}, at::kChar);
      at::Tensor scales = at::empty({nf4::absmax_block_count(blocks, kAbsmaxBlockSize)}, at::kFloat);
      nf4::quantize_absmax(absmax.data_ptr<float>(), blocks, kAbsmaxBlockSize, absmax_codes.data_ptr<int8_t>(),
                           scales.data_ptr<float>(), &absmax_offset_);
      absmax_codes_ = absmax_codes.to(device);
      absmax_scales_ = scales.to(device);
    } else {
      absmax_ = absmax.to(device);
    }
  }
}

FrozenLinear FrozenLinear::from_nf4(const at::Tensor& codes, const at::Tensor& absmax, int64_t out_features,
                                    int64_t in_features, int32_t mode, const at::Device& device,
                                    at::ScalarType compute_dtype) {
  FrozenLinear linear;
  linear.mode_ = mode;
  linear.out_features_ = out_features;
  linear.in_features_ = in_features;
  linear.compute_dtype_ = compute_dtype;
  if (mode == SQLRL_WEIGHTS_NF4) {
    linear.codes_ = codes.to(device);
    linear.absmax_ = absmax.to(device);
    return linear;
  }
  at::Tensor values = at::empty({out_features, in_features}, at::kFloat);
  nf4::dequantize(codes.data_ptr<uint8_t>(), absmax.data_ptr<float>(), out_features * in_features, kNf4BlockSize,
                  values.data_ptr<float>());
  linear.weight_ = values.to(device, mode == SQLRL_WEIGHTS_FP32 ? at::kFloat : at::kBFloat16).contiguous();
  return linear;
}

FrozenLinear FrozenLinear::random(int64_t out_features, int64_t in_features, int32_t mode, bool double_quant,
                                  const at::Device& device, at::ScalarType compute_dtype, at::Generator& generator,
                                  double std) {
  FrozenLinear linear;
  linear.mode_ = mode;
  linear.out_features_ = out_features;
  linear.in_features_ = in_features;
  linear.compute_dtype_ = compute_dtype;
  at::TensorOptions on_device = at::TensorOptions(device);
  if (mode != SQLRL_WEIGHTS_NF4) {
    at::ScalarType stored = mode == SQLRL_WEIGHTS_FP32 ? at::kFloat : at::kBFloat16;
    linear.weight_ = (at::randn({out_features, in_features}, generator, on_device.dtype(at::kFloat)) * std).to(stored);
    return linear;
  }
  int64_t n = out_features * in_features;
  if (n % kNf4BlockSize != 0) {
    throw Unsupported("NF4 needs a multiple of " + std::to_string(kNf4BlockSize) + " values per tensor, got " +
                      std::to_string(out_features) + " x " + std::to_string(in_features));
  }
  int64_t blocks = n / kNf4BlockSize;
  linear.codes_ = at::randint(0, 256, {n / 2}, generator, on_device.dtype(at::kByte));
  if (double_quant) {
    // absmax = code / 127 * scale + offset: offset 2 std, scale 0.5 std gives [1.5, 2.5] std.
    linear.absmax_codes_ = at::randint(-127, 128, {blocks}, generator, on_device.dtype(at::kChar));
    linear.absmax_scales_ = at::full({nf4::absmax_block_count(blocks, kAbsmaxBlockSize)}, 0.5 * std,
                                     on_device.dtype(at::kFloat));
    linear.absmax_offset_ = static_cast<float>(2.0 * std);
  } else {
    linear.absmax_ = at::rand({blocks}, generator, on_device.dtype(at::kFloat)) * std + 1.5 * std;
  }
  return linear;
}

at::Tensor FrozenLinear::apply(const at::Tensor& x, const at::Tensor& bias, bool tensor_core_gemm) const {
  // The fused kernels have no autograd: only where no gradient has to flow back to x (decode, reference passes).
  int64_t rows = x.numel() / in_features_;
  bool kernel = !held_dense_.defined() && mode_ == SQLRL_WEIGHTS_NF4 && cuda_kernels::available() && codes_.is_cuda() &&
                !(c10::GradMode::is_enabled() && x.requires_grad());
  bool gemv = kernel && cuda_kernels::gemv_accepts(rows, in_features_);
  bool gemm = kernel && !gemv && tensor_core_gemm && cuda_kernels::gemm_accepts(rows, in_features_);
  if (!gemv && !gemm) return bias.defined() ? at::linear(x, dense(), bias) : at::linear(x, dense());
  at::Tensor flat = x.reshape({-1, in_features_});
  at::Tensor y = (gemv ? cuda_kernels::nf4_gemv_bf16(flat, codes_, kernel_absmax(), out_features_)
                       : cuda_kernels::nf4_gemm_bf16(flat, codes_, kernel_absmax(), out_features_))
                     .to(x.scalar_type());
  if (bias.defined()) y = y + bias;
  std::vector<int64_t> shape = x.sizes().vec();
  shape.back() = out_features_;
  return y.view(shape);
}

void FrozenLinear::hold_dense() {
  if (!held_dense_.defined()) held_dense_ = dense();
}

void FrozenLinear::release_dense() { held_dense_ = at::Tensor(); }

at::Tensor FrozenLinear::dense() const {
  if (held_dense_.defined()) return held_dense_;
  if (mode_ != SQLRL_WEIGHTS_NF4) return weight_.to(compute_dtype_);
  return dequantize_nf4().to(compute_dtype_);
}

at::Tensor FrozenLinear::stored_dense() const {
  if (held_dense_.defined()) return held_dense_;
  if (mode_ != SQLRL_WEIGHTS_NF4 && weight_.scalar_type() == compute_dtype_) return weight_;
  return {};
}

cuda_kernels::Nf4Absmax FrozenLinear::kernel_absmax() const {
  return cuda_kernels::Nf4Absmax{&absmax_, &absmax_codes_, &absmax_scales_, absmax_offset_};
}

at::Tensor FrozenLinear::block_absmax() const {
  if (absmax_.defined()) return absmax_;
  int64_t blocks = absmax_codes_.numel();
  if (absmax_codes_.is_cpu()) {
    at::Tensor absmax = at::empty({blocks}, at::kFloat);
    nf4::dequantize_absmax(absmax_codes_.data_ptr<int8_t>(), absmax_scales_.data_ptr<float>(), absmax_offset_, blocks,
                           kAbsmaxBlockSize, absmax.data_ptr<float>());
    return absmax;
  }
  // CUDA builds without native/cuda's kernels: the same formula in tensor ops.
  at::Tensor scales = absmax_scales_.repeat_interleave(kAbsmaxBlockSize).narrow(0, 0, blocks);
  return absmax_codes_.to(at::kFloat) / 127.0f * scales + absmax_offset_;
}

at::Tensor FrozenLinear::dequantize_nf4() const {
  if (cuda_kernels::available() && codes_.is_cuda()) {
    // bf16, bit-identical to the fp32 values below rounded to bf16 (CUDA computes in bf16 over NF4).
    return cuda_kernels::nf4_dequantize_bf16(codes_, kernel_absmax(), out_features_, in_features_);
  }
  int64_t n = out_features_ * in_features_;
  at::Tensor absmax = block_absmax();
  if (codes_.is_cpu()) {
    at::Tensor values = at::empty({out_features_, in_features_}, at::kFloat);
    nf4::dequantize(codes_.data_ptr<uint8_t>(), absmax.data_ptr<float>(), n, kNf4BlockSize, values.data_ptr<float>());
    return values;
  }
  at::Tensor codebook = at::from_blob(const_cast<float*>(nf4::kCodebook), {16}, at::kFloat).to(codes_.device());
  at::Tensor high = codebook.index({codes_.__rshift__(4).to(at::kLong)});
  at::Tensor low = codebook.index({codes_.bitwise_and(0x0F).to(at::kLong)});
  at::Tensor values = at::stack({high, low}, 1).reshape({n / kNf4BlockSize, kNf4BlockSize});
  return (values * absmax.unsqueeze(1)).reshape({out_features_, in_features_});
}

int64_t FrozenLinear::bytes() const {
  int64_t total = 0;
  for (const at::Tensor* t : {&weight_, &codes_, &absmax_, &absmax_codes_, &absmax_scales_}) {
    if (t->defined()) total += t->numel() * static_cast<int64_t>(t->element_size());
  }
  return total;
}

}  // namespace sqlrl
