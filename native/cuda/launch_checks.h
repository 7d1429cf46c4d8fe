// Argument checks shared by the launchers: they reject what the kernels cannot do, before launching.
#pragma once

#include <cstdint>

#include "sqlrl_cuda_kernels.h"

namespace sqlrl::cuda {

inline bool aligned_to(const void* pointer, uintptr_t bytes) {
  return reinterpret_cast<uintptr_t>(pointer) % bytes == 0;
}

// The absmax of `blocks` NF4 blocks is readable: plain, or double-quantized with a positive block.
inline bool valid_absmax(const sqlrl_cuda_nf4_absmax& absmax) {
  if (absmax.absmax != nullptr) return true;
  return absmax.absmax_codes != nullptr && absmax.absmax_scales != nullptr && absmax.absmax_block > 0;
}

}  // namespace sqlrl::cuda
