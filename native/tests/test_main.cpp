// Runs every registered test (or those whose name contains argv[1]); exit status 1 if any failed.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>

#include "test_harness.h"

int main(int argc, char** argv) {
  sqlrl_set_num_threads(2);
  const char* filter = argc > 1 ? argv[1] : nullptr;
  int passed = 0, failed = 0;
  for (const sqlrl_test::TestCase& test : sqlrl_test::registry()) {
    if (filter != nullptr && std::strstr(test.name, filter) == nullptr) continue;
    auto start = std::chrono::steady_clock::now();
    std::string failure;
    try {
      test.body();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (failure.empty()) {
      ++passed;
      std::printf("PASS %-55s %8.1f ms\n", test.name, ms);
    } else {
      ++failed;
      std::printf("FAIL %-55s %8.1f ms\n     %s\n", test.name, ms, failure.c_str());
    }
    std::fflush(stdout);
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
