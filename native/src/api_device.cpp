// Device-level measurements for the benchmarks: the copy bandwidth that a roofline divides by.
#include <torch/cuda.h>

#include <chrono>

#include "api_guard.h"
#include "torch_compat.h"

extern "C" int32_t sqlrl_cuda_set_device(int32_t index) {
  return sqlrl::guarded([&] {
    if (!torch::cuda::is_available()) {
      throw sqlrl::Unsupported("sqlrl_cuda_set_device: this libsqlrl was built without CUDA or sees no CUDA device");
    }
    int32_t count = static_cast<int32_t>(torch::cuda::device_count());
    sqlrl::check_arg(index >= 0 && index < count, "CUDA device " + std::to_string(index) + " is outside [0, " +
                                                      std::to_string(count) + ") (LOCAL_RANK beyond the GPUs?)");
#ifdef SQLRL_WITH_CUDA
    c10::cuda::set_device(static_cast<c10::DeviceIndex>(index));
#endif
  });
}

extern "C" int32_t sqlrl_device_copy_bandwidth(int32_t device, int64_t bytes, int32_t repeats,
                                               double* out_bytes_per_second) {
  return sqlrl::guarded([&] {
    sqlrl::check_not_null(out_bytes_per_second, "out_bytes_per_second");
    sqlrl::check_arg(device == SQLRL_DEVICE_CPU || device == SQLRL_DEVICE_CUDA,
                     "device must be SQLRL_DEVICE_CPU (0) or SQLRL_DEVICE_CUDA (1), got " + std::to_string(device));
    sqlrl::check_arg(bytes >= 4096 && bytes % 4 == 0, "bytes must be a multiple of 4 and >= 4096, got " +
                                                          std::to_string(bytes));
    sqlrl::check_arg(repeats > 0, "repeats must be > 0, got " + std::to_string(repeats));
    bool cuda = device == SQLRL_DEVICE_CUDA;
    if (cuda && !torch::cuda::is_available()) {
      throw sqlrl::Unsupported("SQLRL_DEVICE_CUDA requested, but this libsqlrl was built without CUDA or sees no CUDA device");
    }
    at::TensorOptions options = at::TensorOptions(cuda ? sqlrl::compat::cuda_device() : at::Device(at::kCPU)).dtype(at::kFloat);
    at::Tensor source = at::ones({bytes / 4}, options);
    at::Tensor target = at::empty_like(source);
    auto sync = [&] {
      if (cuda) torch::cuda::synchronize();
    };
    target.copy_(source);  // first touch: page faults and lazy allocation out of the timing
    sync();
    auto start = std::chrono::steady_clock::now();
    for (int32_t i = 0; i < repeats; ++i) target.copy_(source);
    sync();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // A copy reads and writes every byte once.
    *out_bytes_per_second = 2.0 * static_cast<double>(bytes) * repeats / seconds;
  });
}
