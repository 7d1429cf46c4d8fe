// Library-level entry points: version, errors, threads.
#include "sqlrl.h"
#include "api_guard.h"

#include <torch/torch.h>

extern "C" const char* sqlrl_last_error(void) { return sqlrl::last_error().c_str(); }

extern "C" const char* sqlrl_version(void) {
#if defined(SQLRL_WITH_CUDA_KERNELS)
  return "0.1.0 (cuda, sqlrl kernels)";
#elif defined(SQLRL_WITH_CUDA)
  return "0.1.0 (cuda)";
#else
  return "0.1.0 (cpu)";
#endif
}

extern "C" int32_t sqlrl_abi_version(void) { return SQLRL_ABI_VERSION; }

extern "C" int32_t sqlrl_cuda_available(void) { return torch::cuda::is_available() ? 1 : 0; }

extern "C" int32_t sqlrl_set_num_threads(int32_t threads) {
  return sqlrl::guarded([&] {
    sqlrl::check_arg(threads > 0, "threads must be > 0, got " + std::to_string(threads));
    torch::set_num_threads(threads);
  });
}
