// --bench: GB/s of the NF4 kernels for the Qwen2.5 0.5B / 1.5B / 7B layer shapes and the time of one
// sampling step, next to the device-to-device copy rate (the practical bandwidth ceiling). Inputs
// rotate over enough copies to exceed L2 several times, so the numbers are memory, not cache.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <random>

#include "cuda_test_support.h"
#include "kernel_tests.h"
#include "sqlrl_cuda_kernels.h"

namespace sqlrl::cuda::test {
namespace {

constexpr size_t kRotationBytes = size_t{256} << 20;  // > 4x the 50 MB L2 of an H100
constexpr int kLaunchesPerSample = 50;
constexpr int kSamples = 7;

// Median over kSamples of the mean time of kLaunchesPerSample launches; launch(i) runs launch number i.
double median_microseconds(const std::function<void(int)>& launch) {
  cudaEvent_t start, stop;
  SQLRL_CUDA_CHECK(cudaEventCreate(&start));
  SQLRL_CUDA_CHECK(cudaEventCreate(&stop));
  for (int i = 0; i < 5; ++i) launch(i);  // warm-up
  SQLRL_CUDA_CHECK(cudaDeviceSynchronize());
  std::vector<double> samples;
  int index = 0;
  for (int s = 0; s < kSamples; ++s) {
    SQLRL_CUDA_CHECK(cudaEventRecord(start));
    for (int i = 0; i < kLaunchesPerSample; ++i) launch(index++);
    SQLRL_CUDA_CHECK(cudaEventRecord(stop));
    SQLRL_CUDA_CHECK(cudaEventSynchronize(stop));
    float milliseconds = 0.0f;
    SQLRL_CUDA_CHECK(cudaEventElapsedTime(&milliseconds, start, stop));
    samples.push_back(1000.0 * milliseconds / kLaunchesPerSample);
  }
  SQLRL_CUDA_CHECK(cudaEventDestroy(start));
  SQLRL_CUDA_CHECK(cudaEventDestroy(stop));
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

std::vector<uint8_t> random_bytes(size_t count, uint32_t seed) {
  std::vector<uint8_t> bytes(count);
  std::mt19937 generator(seed);
  for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(generator());
  return bytes;
}

// Copies of one NF4 weight [n_out, k] (random codes, absmax in [0.01, 0.1]) to rotate over.
struct WeightCopies {
  std::vector<std::unique_ptr<DeviceBuffer<uint8_t>>> codes;
  std::vector<std::unique_ptr<DeviceBuffer<float>>> absmax;
  size_t bytes_each;
  WeightCopies(int64_t n_out, int64_t k) {
    int64_t n = n_out * k;
    bytes_each = static_cast<size_t>(n / 2 + n / SQLRL_CUDA_NF4_BLOCK * 4);
    int copies = static_cast<int>(std::min<size_t>(64, kRotationBytes / bytes_each + 1));
    std::vector<uint8_t> host_codes = random_bytes(n / 2, 1);
    std::vector<float> host_absmax(n / SQLRL_CUDA_NF4_BLOCK);
    std::mt19937 generator(2);
    std::uniform_real_distribution<float> uniform(0.01f, 0.1f);
    for (float& value : host_absmax) value = uniform(generator);
    for (int c = 0; c < copies; ++c) {
      codes.push_back(std::make_unique<DeviceBuffer<uint8_t>>(host_codes));
      absmax.push_back(std::make_unique<DeviceBuffer<float>>(host_absmax));
    }
  }
  sqlrl_cuda_nf4_absmax view(int i) const { return {absmax[i % absmax.size()]->get(), nullptr, nullptr, 0.0f, 256}; }
  const uint8_t* code_pointer(int i) const { return codes[i % codes.size()]->get(); }
};

double copy_gigabytes_per_second() {
  const size_t bytes = size_t{1} << 30;
  DeviceBuffer<uint8_t> from(bytes), to(bytes);
  SQLRL_CUDA_CHECK(cudaMemset(from.get(), 1, bytes));
  double microseconds = median_microseconds(
      [&](int) { SQLRL_CUDA_CHECK(cudaMemcpyAsync(to.get(), from.get(), bytes, cudaMemcpyDeviceToDevice)); });
  return 2.0 * bytes / (microseconds * 1e3);  // read + write
}

struct ModelShape {
  const char* name;
  int64_t hidden, intermediate, kv;
};

void bench_model(const ModelShape& model) {
  // Dequantize the gate projection [intermediate, hidden] to bf16.
  {
    int64_t n_out = model.intermediate, k = model.hidden, n = n_out * k;
    WeightCopies weights(n_out, k);
    DeviceBuffer<uint16_t> out(n);
    double microseconds = median_microseconds([&](int i) {
      SQLRL_CUDA_CHECK(sqlrl_cuda_nf4_dequantize_bf16(weights.code_pointer(i), weights.view(i), n, out.get(), 0));
    });
    double bytes = static_cast<double>(weights.bytes_each) + 2.0 * n;
    std::printf("%-5s dequantize bf16 [%6ld x %6ld]          %8.2f us  %7.1f GB/s\n", model.name, (long)n_out, (long)k,
                microseconds, bytes / (microseconds * 1e3));
  }
  struct Projection {
    const char* name;
    int64_t n_out, k;
  };
  const Projection projections[] = {{"q/o", model.hidden, model.hidden},
                                    {"k/v", model.kv, model.hidden},
                                    {"gate/up", model.intermediate, model.hidden},
                                    {"down", model.hidden, model.intermediate}};
  for (const Projection& projection : projections) {
    WeightCopies weights(projection.n_out, projection.k);
    for (int m : {1, 4, 16}) {
      std::vector<uint16_t> host_x(static_cast<size_t>(m) * projection.k);
      std::mt19937 generator(3);
      std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
      for (uint16_t& value : host_x) value = float_to_bf16(uniform(generator));
      DeviceBuffer<uint16_t> x(host_x);
      DeviceBuffer<uint16_t> y(static_cast<size_t>(m) * projection.n_out);
      double microseconds = median_microseconds([&](int i) {
        SQLRL_CUDA_CHECK(sqlrl_cuda_nf4_gemv_bf16(x.get(), weights.code_pointer(i), weights.view(i), m,
                                                  projection.n_out, projection.k, y.get(), 0));
      });
      double bytes = static_cast<double>(weights.bytes_each) + 2.0 * m * (projection.k + projection.n_out);
      std::printf("%-5s gemv %-7s m=%-2d [%6ld x %6ld]       %8.2f us  %7.1f GB/s\n", model.name, projection.name, m,
                  (long)projection.n_out, (long)projection.k, microseconds, bytes / (microseconds * 1e3));
    }
  }
}

void bench_sampling() {
  const int rows = 64, vocab = 151936;
  std::mt19937 generator(5);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<uint16_t> host(static_cast<size_t>(rows) * vocab);
  for (uint16_t& value : host) value = float_to_bf16(normal(generator));
  DeviceBuffer<uint16_t> logits(host);
  DeviceBuffer<int32_t> tokens(rows);
  DeviceBuffer<float> logprobs(rows);
  struct Setting {
    const char* name;
    sqlrl_cuda_sampling settings;
  };
  const Setting settings[] = {{"greedy", {1, 1.0f, 0, 1.0f, nullptr}},
                              {"T=1", {0, 1.0f, 0, 1.0f, nullptr}},
                              {"T=0.8 top_k=50", {0, 0.8f, 50, 1.0f, nullptr}},
                              {"T=0.8 top_p=0.9", {0, 0.8f, 0, 0.9f, nullptr}},
                              {"T=0.8 top_k=50 top_p=0.9", {0, 0.8f, 50, 0.9f, nullptr}}};
  for (const Setting& setting : settings) {
    double microseconds = median_microseconds([&](int i) {
      SQLRL_CUDA_CHECK(sqlrl_cuda_sample_bf16(logits.get(), rows, vocab, setting.settings, 1, static_cast<uint64_t>(i),
                                              tokens.get(), logprobs.get(), 0));
    });
    std::printf("sample bf16 [%d x %d] %-26s %8.2f us  %7.1f GB/s (one read of the logits)\n", rows, vocab,
                setting.name, microseconds, 2.0 * rows * vocab / (microseconds * 1e3));
  }
}

}  // namespace

int run_benchmarks() {
  std::printf("device-to-device copy: %.1f GB/s (read + write)\n", copy_gigabytes_per_second());
  const ModelShape models[] = {{"0.5B", 896, 4864, 128}, {"1.5B", 1536, 8960, 256}, {"7B", 3584, 18944, 512}};
  for (const ModelShape& model : models) bench_model(model);
  bench_sampling();
  return 0;
}

}  // namespace sqlrl::cuda::test
