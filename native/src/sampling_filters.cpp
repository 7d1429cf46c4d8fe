#include "sampling_filters.h"

#include <cmath>
#include <limits>

#include "../cuda/philox.cuh"

namespace sqlrl {

at::Tensor keep_top_k(const at::Tensor& logits, int64_t top_k) {
  at::Tensor kth = std::get<0>(logits.topk(top_k, -1)).narrow(-1, top_k - 1, 1);
  return logits.masked_fill(logits < kth, -std::numeric_limits<float>::infinity());
}

// Nucleus filter with exactly the steps of transformers' TopPLogitsWarper: sort ascending, cumulate the
// softmax, drop where the cumulative mass (the token and everything less probable) is <= 1 - top_p, never
// the most probable. The sort is stable, as PyTorch's is for such rows in practice: among tied logits at the
// boundary the lower indices are dropped first, as transformers drops them (a descending sort kept those).
at::Tensor keep_top_p(const at::Tensor& logits, double top_p) {
  auto [sorted, order] = logits.sort(/*stable=*/true, -1, /*descending=*/false);
  at::Tensor drop_sorted = at::softmax(sorted, -1).cumsum(-1) <= (1 - top_p);
  drop_sorted.select(-1, -1).fill_(false);
  at::Tensor drop = drop_sorted.scatter(-1, order, drop_sorted);
  return logits.masked_fill(drop, -std::numeric_limits<float>::infinity());
}

at::Tensor sample_filtered(const at::Tensor& scaled, int64_t top_k, double top_p, at::Generator& generator) {
  at::Tensor filtered = scaled;
  if (top_k > 0 && top_k < scaled.size(-1)) filtered = keep_top_k(filtered, top_k);
  if (top_p < 1.0) filtered = keep_top_p(filtered, top_p);
  return at::multinomial(at::softmax(filtered, -1), 1, false, generator).squeeze(1);
}

// The CUDA kernel's noise (native/cuda/sampling.cu): a uniform in (0, 1) from the top 23 bits, then Gumbel.
static float gumbel_noise(uint32_t bits) {
  float uniform = (static_cast<float>(bits >> 9) + 0.5f) * (1.0f / 8388608.0f);
  return -std::log(-std::log(uniform));
}

at::Tensor sample_keyed(const at::Tensor& scaled, int64_t top_k, double top_p, const at::Tensor& row_seeds,
                        uint64_t step) {
  at::Tensor filtered = scaled;
  if (top_k > 0 && top_k < scaled.size(-1)) filtered = keep_top_k(filtered, top_k);
  if (top_p < 1.0) filtered = keep_top_p(filtered, top_p);
  at::Tensor values = filtered.to(at::kCPU, at::kFloat).contiguous();
  at::Tensor seeds = row_seeds.to(at::kCPU, at::kLong).contiguous();
  int64_t rows = values.size(0), vocab = values.size(1);
  at::Tensor tokens = at::empty({rows}, at::kLong);
  const float* logits = values.data_ptr<float>();
  for (int64_t r = 0; r < rows; ++r) {
    uint64_t key = static_cast<uint64_t>(seeds.data_ptr<int64_t>()[r]);
    const float* row = logits + r * vocab;
    float best_score = -std::numeric_limits<float>::infinity();
    int64_t best = -1;
    for (int64_t group = 0; group < (vocab + 3) / 4; ++group) {
      cuda::PhiloxBlock noise = cuda::philox4x32_10(
          cuda::PhiloxBlock{{static_cast<uint32_t>(group), 0u, static_cast<uint32_t>(step),
                             static_cast<uint32_t>(step >> 32)}},
          static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32));
      for (int j = 0; j < 4 && 4 * group + j < vocab; ++j) {
        float value = row[4 * group + j];
        if (value == -std::numeric_limits<float>::infinity()) continue;  // filtered out
        float score = value + gumbel_noise(noise.v[j]);
        if (score > best_score) best_score = score, best = 4 * group + j;  // indices rise: ties keep the first
      }
    }
    // Every logit filtered (cannot happen: a filter keeps the most probable token) would leave best -1.
    tokens.data_ptr<int64_t>()[r] = best >= 0 ? best : 0;
  }
  return tokens.to(scaled.device());
}

}  // namespace sqlrl
