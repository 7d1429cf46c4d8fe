// sqlrl_cuda_kernel_tests: runs every kernel test (exit 0 all passed, 1 a failure, 77 no CUDA device,
// which ctest reports as skipped), or with --bench the micro-benchmarks.
#include <cstdio>
#include <cstring>

#include "kernel_tests.h"

int main(int argc, char** argv) {
  using namespace sqlrl::cuda::test;
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("SKIP: no CUDA device\n");
    return 77;
  }
  cudaDeviceProp properties{};
  SQLRL_CUDA_CHECK(cudaGetDeviceProperties(&properties, 0));
  std::printf("device: %s (sm_%d%d, %d SMs)\n", properties.name, properties.major, properties.minor,
              properties.multiProcessorCount);
  if (argc > 1 && std::strcmp(argv[1], "--bench") == 0) return run_benchmarks();
  if (argc > 1) {
    std::fprintf(stderr, "usage: %s [--bench]\n", argv[0]);
    return 2;
  }

  std::vector<KernelTest> tests;
  register_nf4_tests(tests);
  register_sampling_tests(tests);
  register_decode_tests(tests);
  int failed = 0;
  for (const KernelTest& test : tests) {
    Checks checks;
    test.run(checks);
    SQLRL_CUDA_CHECK(cudaDeviceSynchronize());
    std::printf("%s %s\n", checks.failures == 0 ? "PASS" : "FAIL", test.name.c_str());
    failed += checks.failures != 0;
  }
  std::printf("%d of %zu kernel tests failed\n", failed, tests.size());
  return failed == 0 ? 0 : 1;
}
