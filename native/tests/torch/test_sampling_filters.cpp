// The CPU sampling filters (native/src/sampling_filters.cpp) against Hugging Face's warpers, and the CPU draw
// against the filtered softmax. Links libtorch (the C-ABI tests in native/tests do not), so it is its own program.
//
// The reference below transcribes transformers' generation/logits_process.py:
//   TopKLogitsWarper: indices_to_remove = scores < torch.topk(scores, top_k)[0][..., -1, None]
//   TopPLogitsWarper: sorted_logits, sorted_indices = torch.sort(scores, descending=False)
//                     cumulative_probs = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
//                     sorted_indices_to_remove = cumulative_probs <= (1 - top_p)
//                     sorted_indices_to_remove[..., -min_tokens_to_keep:] = 0
// torch.sort there is not asked to be stable, but PyTorch's CPU sort and its CUDA sort of rows as long as a
// vocabulary are: tied logits stay in index order, so among ties at the top-p boundary the lower indices go first.
#include <ATen/ATen.h>

#include <cstdio>
#include <limits>
#include <set>
#include <vector>

#include "sampling_filters.h"
// libtorch's logging defines CHECK too: the harness's are the ones meant here
#undef CHECK
#undef CHECK_NEAR
#include "test_harness.h"

namespace {

at::Tensor hf_top_k(const at::Tensor& scores, int64_t top_k) {
  at::Tensor kth = std::get<0>(scores.topk(top_k, -1)).select(-1, top_k - 1).unsqueeze(-1);
  return scores.masked_fill(scores < kth, -std::numeric_limits<float>::infinity());
}

at::Tensor hf_top_p(const at::Tensor& scores, double top_p) {
  auto [sorted_logits, sorted_indices] = scores.sort(/*stable=*/true, -1, /*descending=*/false);
  at::Tensor cumulative_probs = sorted_logits.softmax(-1).cumsum(-1);
  at::Tensor sorted_indices_to_remove = cumulative_probs <= (1 - top_p);
  sorted_indices_to_remove.select(-1, -1).fill_(false);
  at::Tensor indices_to_remove = sorted_indices_to_remove.scatter(-1, sorted_indices, sorted_indices_to_remove);
  return scores.masked_fill(indices_to_remove, -std::numeric_limits<float>::infinity());
}

at::Tensor row(const std::vector<float>& values) {
  return at::tensor(values, at::kFloat).unsqueeze(0);
}

at::Tensor log_of(const std::vector<float>& probs) {
  return row(probs).log();
}

std::set<int64_t> kept(const at::Tensor& filtered_row) {
  std::set<int64_t> out;
  at::Tensor flat = filtered_row.reshape({-1});
  for (int64_t i = 0; i < flat.size(0); ++i) {
    if (flat[i].item<float>() != -std::numeric_limits<float>::infinity()) out.insert(i);
  }
  return out;
}

std::string show(const std::set<int64_t>& s) {
  std::string out = "{";
  for (int64_t i : s) out += (out.size() > 1 ? "," : "") + std::to_string(i);
  return out + "}";
}

#define CHECK_KEPT(filtered, ...)                                                                \
  do {                                                                                           \
    std::set<int64_t> check_expected{__VA_ARGS__};                                               \
    std::set<int64_t> check_actual = kept(filtered);                                             \
    CHECK_MSG(check_actual == check_expected, "kept " << show(check_actual) << ", expected "     \
                                                      << show(check_expected));                  \
  } while (0)

}  // namespace

TEST(top_k_keeps_every_tie_of_the_kth_value) {
  at::Tensor logits = row({1, 3, 3, 2, 3});
  CHECK_KEPT(sqlrl::keep_top_k(logits, 2), 1, 2, 4);
  CHECK_KEPT(sqlrl::keep_top_k(logits, 4), 1, 2, 3, 4);
  CHECK_KEPT(hf_top_k(logits, 2), 1, 2, 4);
}

TEST(top_p_keeps_the_token_that_crosses_the_mass) {
  // probs 0.5, 0.3, 0.2: with p = 0.6 the 0.3 token is needed to reach 0.6 and stays; 0.2 goes
  at::Tensor logits = log_of({0.5f, 0.3f, 0.2f});
  CHECK_KEPT(sqlrl::keep_top_p(logits, 0.6), 0, 1);
  CHECK_KEPT(sqlrl::keep_top_p(logits, 0.4), 0);
  CHECK_KEPT(sqlrl::keep_top_p(logits, 0.85), 0, 1, 2);
  CHECK_KEPT(hf_top_p(logits, 0.6), 0, 1);
}

TEST(top_p_breaks_ties_at_the_boundary_like_transformers) {
  // Ascending and stable, transformers drops tied tokens from the lowest index up:
  // probs 0.4, 0.2, 0.2, 0.2 sorted [0.2 (1), 0.2 (2), 0.2 (3), 0.4 (0)], cumulative 0.2 0.4 0.6 1.0,
  // removed where <= 0.5: tokens 1 and 2.
  at::Tensor logits = log_of({0.4f, 0.2f, 0.2f, 0.2f});
  CHECK_KEPT(hf_top_p(logits, 0.5), 0, 3);
  CHECK_KEPT(sqlrl::keep_top_p(logits, 0.5), 0, 3);
  // all equal: cumulative 0.2 .. 1.0, removed where <= 0.5: the two lowest indices
  at::Tensor uniform = row({0, 0, 0, 0, 0});
  CHECK_KEPT(sqlrl::keep_top_p(uniform, 0.5), 2, 3, 4);
}

TEST(filters_equal_transformers_on_random_rows_with_many_ties) {
  at::manual_seed(17);
  // logits on a grid of 0.5: about 12 distinct values over 40 tokens, so ties fall on every boundary
  at::Tensor logits = (at::randn({400, 40}) * 2).round() / 2;
  const int64_t ks[] = {1, 3, 8, 20};
  const double ps[] = {0.1, 0.35, 0.5, 0.75, 0.9, 0.99};
  for (int64_t k : ks) {
    at::Tensor ours = sqlrl::keep_top_k(logits, k);
    at::Tensor theirs = hf_top_k(logits, k);
    CHECK_MSG(at::equal(ours.isinf(), theirs.isinf()), "top_k " << k);
    for (double p : ps) {
      // transformers applies top-k first, then top-p on what is left (generation config order)
      CHECK_MSG(at::equal(sqlrl::keep_top_p(ours, p).isinf(), hf_top_p(theirs, p).isinf()),
                "top_k " << k << " then top_p " << p);
    }
  }
  for (double p : ps) {
    CHECK_MSG(at::equal(sqlrl::keep_top_p(logits, p).isinf(), hf_top_p(logits, p).isinf()), "top_p " << p);
  }
}

// Chi-square of `tokens` (draws of one row) against softmax over the tokens top_k / top_p keep.
static void check_frequencies(const at::Tensor& logits, int64_t top_k, double top_p, const at::Tensor& tokens) {
  at::Tensor expected = at::softmax(hf_top_p(hf_top_k(logits, top_k), top_p), -1).reshape({-1});
  at::Tensor counts = at::bincount(tokens, {}, logits.size(1)).to(at::kDouble);
  double draws = static_cast<double>(tokens.numel());
  double chi_square = 0;
  int64_t kept_tokens = 0;
  for (int64_t i = 0; i < logits.size(1); ++i) {
    double p = expected[i].item<double>();
    double n = counts[i].item<double>();
    if (p == 0) {
      CHECK_MSG(n == 0, "token " << i << " is filtered out but was drawn " << n << " times");
      continue;
    }
    ++kept_tokens;
    double e = p * draws;
    chi_square += (n - e) * (n - e) / e;
  }
  // top_k keeps 6 (probabilities .365 .221 .221 .099 .060 .033); top_p 0.9 drops the two whose
  // cumulative mass from the bottom, .033 and .093, is <= 0.1
  CHECK_MSG(kept_tokens == 4, "the case should keep 4 tokens, kept " << kept_tokens);
  // 3 degrees of freedom: P(chi-square > 16.27) = 0.001; the seeds are fixed, so the outcome is too
  CHECK_MSG(chi_square < 16.27, "chi-square " << chi_square << " with 3 degrees of freedom");
}

static const std::vector<float> kFrequencyRow = {2.0f, 1.5f, 1.5f, 0.7f, 0.2f, -0.4f, -1.0f, -3.0f};

TEST(sampled_frequencies_match_the_filtered_softmax) {
  // One row drawn 200,000 times.
  at::Tensor logits = row(kFrequencyRow);
  const int64_t draws = 200000;
  at::Generator generator = at::detail::createCPUGenerator(1234);
  at::Tensor tokens = sqlrl::sample_filtered(logits.expand({draws, logits.size(1)}).contiguous(), 6, 0.9, generator);
  check_frequencies(logits, 6, 0.9, tokens);
}

TEST(keyed_draws_match_the_filtered_softmax) {
  // The same row under 200,000 different row seeds.
  at::Tensor logits = row(kFrequencyRow);
  const int64_t draws = 200000;
  at::Tensor seeds = at::arange(draws, at::kLong) * static_cast<int64_t>(0x1E3779B97F4A7C15LL) + 17;
  at::Tensor tokens = sqlrl::sample_keyed(logits.expand({draws, logits.size(1)}).contiguous(), 6, 0.9, seeds, 3);
  check_frequencies(logits, 6, 0.9, tokens);
}

TEST(a_keyed_draw_depends_on_its_row_seed_and_step_only) {
  at::Tensor logits = at::randn({6, 50}, at::detail::createCPUGenerator(5));
  at::Tensor seeds = at::tensor(std::vector<int64_t>{11, 12, 13, 14, 15, 16}, at::kLong);
  at::Tensor all = sqlrl::sample_keyed(logits, 0, 1.0, seeds, 4);
  at::Tensor order = at::tensor(std::vector<int64_t>{5, 2, 0}, at::kLong);
  at::Tensor some = sqlrl::sample_keyed(logits.index_select(0, order), 0, 1.0, seeds.index_select(0, order), 4);
  CHECK(at::equal(some, all.index_select(0, order)));
  at::Tensor next_step = sqlrl::sample_keyed(logits, 0, 1.0, seeds, 5);
  at::Tensor other_seeds = sqlrl::sample_keyed(logits, 0, 1.0, seeds + 100, 4);
  CHECK_MSG(!at::equal(next_step, all) && !at::equal(other_seeds, all), "another step or seed should draw otherwise");
}

int main() {
  int failed = 0;
  for (const sqlrl_test::TestCase& test : sqlrl_test::registry()) {
    try {
      test.body();
      std::printf("ok   %s\n", test.name);
    } catch (const std::exception& e) {
      ++failed;
      std::printf("FAIL %s: %s\n", test.name, e.what());
    }
  }
  return failed == 0 ? 0 : 1;
}
