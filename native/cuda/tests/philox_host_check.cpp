// Philox 4x32-10 of philox.cuh against the known-answer vectors of Random123 (kat_vectors), on the
// host: checks the generator the sampling kernel uses on machines without a GPU.
#include <cstdio>

#include "philox.cuh"

int main() {
  using sqlrl::cuda::PhiloxBlock;
  struct KnownAnswer {
    PhiloxBlock counter;
    uint32_t key[2];
    PhiloxBlock expected;
  };
  const KnownAnswer answers[] = {
      {{{0, 0, 0, 0}}, {0, 0}, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}}},
      {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
       {0xffffffffu, 0xffffffffu},
       {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}}},
      {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
       {0xa4093822u, 0x299f31d0u},
       {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}}},
  };
  int failures = 0;
  for (const KnownAnswer& answer : answers) {
    PhiloxBlock got = sqlrl::cuda::philox4x32_10(answer.counter, answer.key[0], answer.key[1]);
    for (int i = 0; i < 4; ++i) {
      if (got.v[i] != answer.expected.v[i]) {
        std::printf("FAIL: philox4x32_10 counter %08x... word %d = %08x, expected %08x\n", answer.counter.v[0], i,
                    got.v[i], answer.expected.v[i]);
        ++failures;
      }
    }
  }
  std::printf("%s philox4x32_10 known answers\n", failures == 0 ? "PASS" : "FAIL");
  return failures == 0 ? 0 : 1;
}
