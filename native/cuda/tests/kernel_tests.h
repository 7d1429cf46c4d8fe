// The kernel test program's registry: each test file adds its tests; main runs them or the benchmarks.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cuda_test_support.h"

namespace sqlrl::cuda::test {

struct KernelTest {
  std::string name;
  std::function<void(Checks&)> run;
};

void register_nf4_tests(std::vector<KernelTest>& tests);
void register_sampling_tests(std::vector<KernelTest>& tests);
void register_decode_tests(std::vector<KernelTest>& tests);

// Prints GB/s of the NF4 kernels and the time of sampling for the 0.5B / 1.5B / 7B shapes.
int run_benchmarks();

}  // namespace sqlrl::cuda::test
