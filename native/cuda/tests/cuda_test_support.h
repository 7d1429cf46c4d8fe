// What the kernel tests and benchmarks share: CUDA error checks, device buffers, bf16 conversions
// written independently of CUDA's (the reference side of the comparisons), and a failure counter.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace sqlrl::cuda::test {

// Any failing CUDA call ends the program: nothing after it could be trusted.
#define SQLRL_CUDA_CHECK(call)                                                                       \
  do {                                                                                               \
    cudaError_t status_ = (call);                                                                    \
    if (status_ != cudaSuccess) {                                                                    \
      std::fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(status_)); \
      std::exit(1);                                                                                  \
    }                                                                                                \
  } while (0)

// Counts failed expectations of the running test; each failure prints where and what.
struct Checks {
  int failures = 0;
  void expect(bool condition, const std::string& what) {
    if (!condition) {
      ++failures;
      if (failures <= 20) std::printf("    FAILED: %s\n", what.c_str());
    }
  }
};

template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t count) : count_(count) { SQLRL_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_), bytes() ? bytes() : 1)); }
  explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) { upload(host); }
  ~DeviceBuffer() { cudaFree(data_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* get() const { return data_; }
  size_t bytes() const { return count_ * sizeof(T); }
  void upload(const std::vector<T>& host) {
    SQLRL_CUDA_CHECK(cudaMemcpy(data_, host.data(), bytes(), cudaMemcpyHostToDevice));
  }
  std::vector<T> download() const {
    std::vector<T> host(count_);
    SQLRL_CUDA_CHECK(cudaMemcpy(host.data(), data_, bytes(), cudaMemcpyDeviceToHost));
    return host;
  }
  // All bytes 0xFF: NaN as floats, -1 as ints; an element a kernel forgot to write stays visible.
  void poison() { SQLRL_CUDA_CHECK(cudaMemset(data_, 0xFF, bytes())); }

 private:
  T* data_ = nullptr;
  size_t count_;
};

inline float bf16_to_float(uint16_t bits) {
  uint32_t widened = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &widened, sizeof value);
  return value;
}

// Round to nearest, ties to even (what __float2bfloat16_rn does), for finite values.
inline uint16_t float_to_bf16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  bits += 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

// count values of normal(0, spread) from a seeded generator (inputs for the kernels and their references).
inline std::vector<float> normal_floats(size_t count, float spread, uint32_t seed) {
  std::mt19937 generator(seed);
  std::normal_distribution<float> normal(0.0f, spread);
  std::vector<float> values(count);
  for (float& value : values) value = normal(generator);
  return values;
}

inline uint32_t float_bits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

}  // namespace sqlrl::cuda::test
