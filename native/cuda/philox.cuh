// Philox 4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the
// counter-based generator of Random123, cuRAND and PyTorch. Hand-written because cuRAND's headers are
// not part of every CUDA install (this machine's has none) and the cipher is ten short rounds;
// host-callable so that a CPU test checks it against Random123's known-answer vectors.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define SQLRL_HOST_DEVICE __host__ __device__
#else
#define SQLRL_HOST_DEVICE
#endif

namespace sqlrl::cuda {

struct PhiloxBlock {
  uint32_t v[4];
};

SQLRL_HOST_DEVICE inline uint32_t philox_mulhilo(uint32_t a, uint32_t b, uint32_t* high) {
#if defined(__CUDA_ARCH__)
  *high = __umulhi(a, b);
  return a * b;
#else
  uint64_t product = static_cast<uint64_t>(a) * b;
  *high = static_cast<uint32_t>(product >> 32);
  return static_cast<uint32_t>(product);
#endif
}

// Ten rounds over counter with key; the key is bumped by the Weyl constants between rounds.
SQLRL_HOST_DEVICE inline PhiloxBlock philox4x32_10(PhiloxBlock counter, uint32_t key0, uint32_t key1) {
  constexpr uint32_t kMultiplier0 = 0xD2511F53u, kMultiplier1 = 0xCD9E8D57u;
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key0 += kWeyl0;
      key1 += kWeyl1;
    }
    uint32_t high0, high1;
    uint32_t low0 = philox_mulhilo(kMultiplier0, counter.v[0], &high0);
    uint32_t low1 = philox_mulhilo(kMultiplier1, counter.v[2], &high1);
    counter = PhiloxBlock{{high1 ^ counter.v[1] ^ key0, low1, high0 ^ counter.v[3] ^ key1, low0}};
  }
  return counter;
}

}  // namespace sqlrl::cuda
