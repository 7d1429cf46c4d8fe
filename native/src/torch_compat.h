// The few places where libtorch 1.13 (Debian, CPU) and libtorch 2.x (CUDA builds) differ.
#pragma once
#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <torch/version.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>

#ifdef SQLRL_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>
#endif

namespace sqlrl::compat {

// Softmax attention of q [B, H, Tq, D] over k, v [B, H, Tk, D]; allowed [B or 1, 1, Tq, Tk] is true where a
// query may see a key. Scale 1/sqrt(D).
inline at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& allowed) {
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v, allowed, 0.0, false);
#else
  // 1.13 has no public fused attention: the textbook form, softmax in fp32.
  double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  at::Tensor scores = at::matmul(q.to(at::kFloat), k.to(at::kFloat).transpose(-2, -1)) * scale;
  scores = scores.masked_fill(allowed.logical_not(), -std::numeric_limits<float>::infinity());
  at::Tensor weights = at::softmax(scores, -1).to(v.scalar_type());
  return at::matmul(weights, v);
#endif
}

// Causal attention without a mask tensor: query t sees keys 0..t, q [B, H, T, D] over k, v [B, kv_heads, T, D]
// (grouped-query: H a multiple of kv_heads, no copies of K/V). libtorch 2.5+ (enable_gqa): SDPA may then take its
// flash kernel, which a boolean mask rules out. Elsewhere callers pass the mask to attention() instead.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 5)
constexpr bool kCausalAttention = true;
inline at::Tensor causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
  return at::scaled_dot_product_attention(q, k, v, {}, 0.0, true, std::nullopt, q.size(1) != k.size(1));
}
#else
constexpr bool kCausalAttention = false;
inline at::Tensor causal_attention(const at::Tensor&, const at::Tensor&, const at::Tensor&) {
  throw std::logic_error("causal_attention needs libtorch 2.5 or later (check kCausalAttention)");
}
#endif

// Bytes currently allocated and the peak on a CUDA device, or {-1, -1} where the backend does not tell.
struct DeviceMemory {
  int64_t allocated = -1;
  int64_t peak = -1;
};

inline DeviceMemory device_memory(const c10::Device& device) {
  DeviceMemory memory;
#ifdef SQLRL_WITH_CUDA
  if (device.is_cuda()) {
    // Index 0 is StatType::AGGREGATE; its enclosing namespace moved in 2.x, the index did not.
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
    memory.allocated = stats.allocated_bytes[0].current;
    memory.peak = stats.allocated_bytes[0].peak;
  }
#endif
  return memory;
}

// Bytes a new allocation could still get on a CUDA device: the driver's free memory plus what the caching
// allocator holds reserved but unused; -1 off CUDA.
inline int64_t device_free_bytes(const c10::Device& device) {
#ifdef SQLRL_WITH_CUDA
  if (device.is_cuda()) {
    size_t free = 0, total = 0;
    if (cudaMemGetInfo(&free, &total) != cudaSuccess) return -1;
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
    return static_cast<int64_t>(free) + stats.reserved_bytes[0].current - stats.allocated_bytes[0].current;
  }
#endif
  return -1;
}

// The CUDA device new models and process groups use (sqlrl_cuda_set_device; 0 unless set).
inline at::Device cuda_device() {
#ifdef SQLRL_WITH_CUDA
  return at::Device(at::kCUDA, c10::cuda::current_device());
#else
  return at::Device(at::kCUDA, 0);
#endif
}

}  // namespace sqlrl::compat
