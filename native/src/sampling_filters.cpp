#include "sampling_filters.h"

#include <limits>

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

}  // namespace sqlrl
