// Sampling kernel against CPU references in double: greedy and top-k = 1 are the argmax, log-probs
// are log_softmax(logits / T) of the drawn token, draws follow the filtered softmax (chi-square over
// many rows), never leave the top-k / top-p set, and depend only on (seed, row, step).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

#include "cuda_test_support.h"
#include "kernel_tests.h"
#include "sqlrl_cuda_kernels.h"

namespace sqlrl::cuda::test {
namespace {

struct Draws {
  std::vector<int32_t> tokens;
  std::vector<float> logprobs;
};

// rows x vocab logits (fp32 values; bf16 = true rounds them and runs the bf16 kernel).
Draws sample_on_device(const std::vector<float>& logits, int rows, int vocab, sqlrl_cuda_sampling settings,
                       uint64_t seed, uint64_t step, bool bf16) {
  DeviceBuffer<int32_t> tokens(rows);
  DeviceBuffer<float> logprobs(rows);
  tokens.poison();
  logprobs.poison();
  if (bf16) {
    std::vector<uint16_t> bits(logits.size());
    std::transform(logits.begin(), logits.end(), bits.begin(), float_to_bf16);
    DeviceBuffer<uint16_t> device_logits(bits);
    SQLRL_CUDA_CHECK(sqlrl_cuda_sample_bf16(device_logits.get(), rows, vocab, settings, seed, step, tokens.get(),
                                            logprobs.get(), 0));
    SQLRL_CUDA_CHECK(cudaDeviceSynchronize());
  } else {
    DeviceBuffer<float> device_logits(logits);
    SQLRL_CUDA_CHECK(sqlrl_cuda_sample_f32(device_logits.get(), rows, vocab, settings, seed, step, tokens.get(),
                                           logprobs.get(), 0));
    SQLRL_CUDA_CHECK(cudaDeviceSynchronize());
  }
  return {tokens.download(), logprobs.download()};
}

// The logits the kernel sees (bf16-rounded when it reads bf16), divided by the temperature.
std::vector<double> scaled_row(const float* logits, int vocab, float temperature, bool bf16) {
  std::vector<double> scaled(vocab);
  for (int i = 0; i < vocab; ++i) {
    float value = bf16 ? bf16_to_float(float_to_bf16(logits[i])) : logits[i];
    scaled[i] = static_cast<double>(value / temperature);
  }
  return scaled;
}

std::vector<double> log_softmax(const std::vector<double>& values) {
  double max = *std::max_element(values.begin(), values.end()), sum = 0.0;
  for (double value : values) sum += std::exp(value - max);
  std::vector<double> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = values[i] - max - std::log(sum);
  return out;
}

// Tokens kept by top-k then top-p, as Hugging Face's TopKLogitsWarper and TopPLogitsWarper keep them: top-k keeps
// every tie of the k-th value; top-p drops a token when the mass after it in a stable ascending sort (greater
// values, and equal values of higher index) is >= top_p, so tied tokens at its boundary go lowest index first.
std::vector<bool> kept_tokens(const std::vector<double>& scaled, int top_k, float top_p) {
  int vocab = static_cast<int>(scaled.size());
  std::vector<int> order(vocab);
  std::iota(order.begin(), order.end(), 0);
  // descending value, ties by descending index: the reverse of transformers' stable ascending sort
  std::sort(order.begin(), order.end(), [&](int a, int b) { return scaled[a] != scaled[b] ? scaled[a] > scaled[b] : a > b; });
  double boundary = -INFINITY;
  if (top_k > 0 && top_k < vocab) boundary = scaled[order[top_k - 1]];
  std::vector<bool> kept(vocab);
  for (int i = 0; i < vocab; ++i) kept[i] = scaled[i] >= boundary;
  if (top_p < 1.0f) {
    double max = scaled[order[0]], total = 0.0, before = 0.0;
    for (int i : order) {
      if (kept[i]) total += std::exp(scaled[i] - max);
    }
    for (int i : order) {
      if (!kept[i]) continue;
      double mass = std::exp(scaled[i] - max);
      kept[i] = before < top_p * total;
      before += mass;
    }
  }
  return kept;
}

std::vector<float> normal_logits(int count, float spread, uint32_t seed) {
  return normal_floats(static_cast<size_t>(count), spread, seed);
}

std::vector<float> repeat_rows(const std::vector<float>& row, int rows) {
  std::vector<float> out;
  out.reserve(row.size() * rows);
  for (int r = 0; r < rows; ++r) out.insert(out.end(), row.begin(), row.end());
  return out;
}

void check_logprobs(Checks& checks, const std::vector<float>& logits, int vocab, const Draws& draws, float temperature,
                    bool bf16, const std::string& label) {
  int rows = static_cast<int>(draws.tokens.size()), bad = 0;
  std::string first;
  for (int r = 0; r < rows; ++r) {
    int token = draws.tokens[r];
    if (token < 0 || token >= vocab) {
      if (bad++ == 0) first = "row " + std::to_string(r) + " token " + std::to_string(token) + " out of range";
      continue;
    }
    std::vector<double> reference = log_softmax(scaled_row(&logits[static_cast<size_t>(r) * vocab], vocab, temperature, bf16));
    double error = std::fabs(draws.logprobs[r] - reference[token]);
    if (!(error <= 1e-4 + 1e-5 * std::fabs(reference[token]))) {
      if (bad++ == 0) {
        first = "row " + std::to_string(r) + " log-prob " + std::to_string(draws.logprobs[r]) + ", reference " +
                std::to_string(reference[token]);
      }
    }
  }
  checks.expect(bad == 0, label + ": " + std::to_string(bad) + " rows with a wrong token or log-prob (" + first + ")");
}

void greedy_and_top_k_one_are_argmax(Checks& checks) {
  for (bool bf16 : {false, true}) {
    for (int vocab : {1, 37, 151936}) {
      const int rows = 6;
      std::vector<float> logits = normal_logits(rows * vocab, 3.0f, 7 + vocab);
      // Row 1 holds a tie for the maximum: greedy must take the lowest index, as torch.argmax.
      if (vocab > 20) {
        logits[vocab + 20] = 50.0f;
        logits[vocab + 5] = 50.0f;
      }
      std::string label = std::string(bf16 ? "bf16" : "fp32") + " vocab " + std::to_string(vocab);
      Draws greedy = sample_on_device(logits, rows, vocab, {1, 0.0f, 0, 1.0f, nullptr}, 1, 0, bf16);
      Draws top_one = sample_on_device(logits, rows, vocab, {0, 0.7f, 1, 1.0f, nullptr}, 2, 3, bf16);
      for (int r = 0; r < rows; ++r) {
        std::vector<double> row = scaled_row(&logits[static_cast<size_t>(r) * vocab], vocab, 1.0f, bf16);
        int argmax = static_cast<int>(std::max_element(row.begin(), row.end()) - row.begin());
        checks.expect(greedy.tokens[r] == argmax, label + " greedy row " + std::to_string(r) + ": token " +
                                                      std::to_string(greedy.tokens[r]) + ", argmax " +
                                                      std::to_string(argmax));
        // top_k = 1 keeps every token tied with the maximum (as the CPU's masked_fill(logits < kth)).
        int drawn = top_one.tokens[r];
        bool is_a_maximum = drawn >= 0 && drawn < vocab && row[drawn] == row[argmax];
        checks.expect(is_a_maximum, label + " top_k=1 row " + std::to_string(r) + ": token " + std::to_string(drawn) +
                                        " is not a maximum (argmax " + std::to_string(argmax) + ")");
      }
      check_logprobs(checks, logits, vocab, greedy, 1.0f, bf16, label + " greedy");
      check_logprobs(checks, logits, vocab, top_one, 0.7f, bf16, label + " top_k=1");
    }
  }
}

// Pearson chi-square of counts against probabilities (bins with expected count < 5 merged); a token
// drawn outside the kept set fails on its own.
void check_distribution(Checks& checks, const std::vector<int32_t>& tokens, const std::vector<double>& probabilities,
                        const std::string& label) {
  int vocab = static_cast<int>(probabilities.size());
  double draws = static_cast<double>(tokens.size());
  std::vector<double> counts(vocab, 0.0);
  int outside = 0;
  for (int32_t token : tokens) {
    if (token < 0 || token >= vocab || probabilities[token] == 0.0) {
      ++outside;
    } else {
      counts[token] += 1.0;
    }
  }
  double chi_square = 0.0, merged_expected = 0.0, merged_count = 0.0;
  int bins = 0;
  for (int i = 0; i < vocab; ++i) {
    double expected = probabilities[i] * draws;
    if (expected == 0.0) continue;
    if (expected < 5.0) {
      merged_expected += expected;
      merged_count += counts[i];
      continue;
    }
    chi_square += (counts[i] - expected) * (counts[i] - expected) / expected;
    ++bins;
  }
  if (merged_expected > 0.0) {
    chi_square += (merged_count - merged_expected) * (merged_count - merged_expected) / merged_expected;
    ++bins;
  }
  double freedom = std::max(1, bins - 1);
  // About six standard deviations above the mean: a false alarm is far rarer than one in a million.
  double bound = freedom + 6.0 * std::sqrt(2.0 * freedom) + 6.0;
  std::ostringstream what;
  what << label << ": " << outside << " draws outside the kept set, chi-square " << chi_square << " over " << freedom
       << " degrees of freedom (bound " << bound << ")";
  checks.expect(outside == 0 && chi_square <= bound, what.str());
}

void draws_follow_the_filtered_softmax(Checks& checks) {
  struct Case {
    float temperature;
    int top_k;
    float top_p;
    bool bf16;
  };
  const Case cases[] = {{1.0f, 0, 1.0f, false}, {0.8f, 0, 1.0f, true},  {1.3f, 5, 1.0f, false},
                        {1.0f, 0, 0.6f, false}, {0.9f, 10, 0.8f, true}, {1.0f, 0, 0.95f, true}};
  const int vocab = 40, rows = 40000;
  int case_index = 0;
  for (const Case& c : cases) {
    std::vector<float> row = normal_logits(vocab, 1.5f, 100 + case_index++);
    std::vector<float> logits = repeat_rows(row, rows);
    sqlrl_cuda_sampling settings{0, c.temperature, c.top_k, c.top_p, nullptr};
    Draws draws = sample_on_device(logits, rows, vocab, settings, 0x5eed0000u + case_index, 17, c.bf16);
    std::vector<double> scaled = scaled_row(row.data(), vocab, c.temperature, c.bf16);
    std::vector<bool> kept = kept_tokens(scaled, c.top_k, c.top_p);
    std::vector<double> probabilities(vocab, 0.0);
    double max = *std::max_element(scaled.begin(), scaled.end()), total = 0.0;
    for (int i = 0; i < vocab; ++i) {
      if (kept[i]) total += probabilities[i] = std::exp(scaled[i] - max);
    }
    for (double& p : probabilities) p /= total;
    std::ostringstream label;
    label << (c.bf16 ? "bf16" : "fp32") << " T=" << c.temperature << " top_k=" << c.top_k << " top_p=" << c.top_p;
    check_distribution(checks, draws.tokens, probabilities, label.str());
    check_logprobs(checks, logits, vocab, draws, c.temperature, c.bf16, label.str());
  }
}

// Full vocabulary, bf16 (many ties): every draw lies in the reference top-k / top-p set.
void large_vocabulary_draws_stay_in_the_kept_set(Checks& checks) {
  const int vocab = 151936, rows = 8;
  std::vector<float> logits = normal_logits(rows * vocab, 2.5f, 4242);
  struct Case {
    int top_k;
    float top_p;
  };
  for (Case c : {Case{50, 1.0f}, Case{0, 0.9f}, Case{40, 0.5f}, Case{0, 0.05f}}) {
    for (uint64_t step = 0; step < 3; ++step) {
      Draws draws = sample_on_device(logits, rows, vocab, {0, 0.8f, c.top_k, c.top_p, nullptr}, 77, step, true);
      int outside = 0;
      for (int r = 0; r < rows; ++r) {
        std::vector<double> scaled = scaled_row(&logits[static_cast<size_t>(r) * vocab], vocab, 0.8f, true);
        std::vector<bool> kept = kept_tokens(scaled, c.top_k, c.top_p);
        int token = draws.tokens[r];
        outside += token < 0 || token >= vocab || !kept[token];
      }
      checks.expect(outside == 0, "vocab 151936 top_k=" + std::to_string(c.top_k) + " top_p=" +
                                      std::to_string(c.top_p) + " step " + std::to_string(step) + ": " +
                                      std::to_string(outside) + " draws outside the kept set");
      if (step == 0) check_logprobs(checks, logits, vocab, draws, 0.8f, true, "vocab 151936 log-probs");
    }
  }
}

// Ties at the top-p boundary: transformers keeps the highest indices among them (see kept_tokens).
void top_p_cuts_ties_like_transformers(Checks& checks) {
  struct Case {
    std::vector<float> row;
    float top_p;
    std::vector<int> kept;
  };
  const float fifth = std::log(0.2f), two_fifths = std::log(0.4f);
  // 0.4 0.2 0.2 0.2, p 0.5: sorted ascending 0.2 (1) 0.2 (2) 0.2 (3) 0.4 (0), cumulative 0.2 0.4 0.6 1: 1 and 2 go
  // five equal logits, p 0.5: cumulative 0.2 0.4 0.6 0.8 1: 0 and 1 go
  const Case cases[] = {{{two_fifths, fifth, fifth, fifth}, 0.5f, {0, 3}}, {{0, 0, 0, 0, 0}, 0.5f, {2, 3, 4}}};
  for (const Case& c : cases) {
    const int vocab = static_cast<int>(c.row.size()), rows = 20000;
    std::vector<double> scaled = scaled_row(c.row.data(), vocab, 1.0f, false);
    std::vector<bool> reference = kept_tokens(scaled, 0, c.top_p);
    std::vector<int> reference_kept;
    for (int i = 0; i < vocab; ++i) {
      if (reference[i]) reference_kept.push_back(i);
    }
    checks.expect(reference_kept == c.kept, "the reference keeps transformers' tokens");
    std::vector<double> probabilities(vocab, 0.0);
    double total = 0.0;
    for (int i : c.kept) total += probabilities[i] = std::exp(scaled[i]);
    for (double& p : probabilities) p /= total;
    Draws draws = sample_on_device(repeat_rows(c.row, rows), rows, vocab, {0, 1.0f, 0, c.top_p, nullptr}, 99, 1, false);
    check_distribution(checks, draws.tokens, probabilities, "ties at the top-p boundary, vocab " + std::to_string(vocab));
  }
}

void draws_depend_only_on_seed_row_and_step(Checks& checks) {
  const int vocab = 1000, rows = 64;
  std::vector<float> logits = normal_logits(vocab, 1.0f, 9);
  std::vector<float> batch = repeat_rows(logits, rows);
  sqlrl_cuda_sampling settings{0, 1.0f, 0, 0.9f, nullptr};
  Draws first = sample_on_device(batch, rows, vocab, settings, 123, 5, false);
  Draws again = sample_on_device(batch, rows, vocab, settings, 123, 5, false);
  Draws prefix = sample_on_device(std::vector<float>(batch.begin(), batch.begin() + 10 * vocab), 10, vocab, settings,
                                  123, 5, false);
  Draws next_step = sample_on_device(batch, rows, vocab, settings, 123, 6, false);
  Draws other_seed = sample_on_device(batch, rows, vocab, settings, 124, 5, false);
  checks.expect(first.tokens == again.tokens, "the same seed and step draw the same tokens");
  checks.expect(std::equal(prefix.tokens.begin(), prefix.tokens.end(), first.tokens.begin()),
                "a row's draw does not depend on how many rows the launch has");
  int same_step = 0, same_seed = 0, distinct = 0;
  std::vector<bool> seen(vocab, false);
  for (int r = 0; r < rows; ++r) {
    same_step += next_step.tokens[r] == first.tokens[r];
    same_seed += other_seed.tokens[r] == first.tokens[r];
    if (!seen[first.tokens[r]]) ++distinct, seen[first.tokens[r]] = true;
  }
  // 64 rows of ~hundreds of likely tokens: equal draws are rare, so most rows must differ.
  checks.expect(same_step < rows / 2, "another step draws other tokens (" + std::to_string(same_step) + " of 64 equal)");
  checks.expect(same_seed < rows / 2, "another seed draws other tokens (" + std::to_string(same_seed) + " of 64 equal)");
  checks.expect(distinct > rows / 4, "rows of one launch draw independently (" + std::to_string(distinct) +
                                         " distinct tokens in 64 rows)");
}

// With row_seeds, a row's draw follows its own key wherever the row sits in the launch: the same rows in reverse
// order, with their seeds reversed, draw the same tokens.
void keyed_rows_draw_the_same_in_any_launch(Checks& checks) {
  const int vocab = 1000, rows = 16;
  std::vector<float> logits;
  for (int r = 0; r < rows; ++r) {
    std::vector<float> row = normal_logits(vocab, 1.0f, 100 + r);
    logits.insert(logits.end(), row.begin(), row.end());
  }
  std::vector<float> reversed;
  std::vector<uint64_t> seeds(rows), reversed_seeds(rows);
  for (int r = 0; r < rows; ++r) {
    seeds[r] = 0x9e3779b97f4a7c15ull * (r + 1);
    reversed_seeds[rows - 1 - r] = seeds[r];
  }
  for (int r = rows - 1; r >= 0; --r) reversed.insert(reversed.end(), logits.begin() + r * vocab, logits.begin() + (r + 1) * vocab);
  DeviceBuffer<uint64_t> device_seeds(seeds), device_reversed_seeds(reversed_seeds);
  sqlrl_cuda_sampling settings{0, 1.0f, 0, 1.0f, device_seeds.get()};
  Draws forward = sample_on_device(logits, rows, vocab, settings, 7, 3, false);
  settings.row_seeds = device_reversed_seeds.get();
  Draws backward = sample_on_device(reversed, rows, vocab, settings, 8, 3, false);  // the launch seed is not used
  bool same = true;
  for (int r = 0; r < rows; ++r) same &= forward.tokens[r] == backward.tokens[rows - 1 - r];
  checks.expect(same, "a keyed row draws the same token wherever it sits in the launch");
}

void launcher_rejects_bad_settings(Checks& checks) {
  DeviceBuffer<float> logits(10);
  DeviceBuffer<int32_t> tokens(1);
  DeviceBuffer<float> logprobs(1);
  auto status = [&](sqlrl_cuda_sampling settings, int vocab) {
    return sqlrl_cuda_sample_f32(logits.get(), 1, vocab, settings, 0, 0, tokens.get(), logprobs.get(), 0);
  };
  checks.expect(status({0, 0.0f, 0, 1.0f, nullptr}, 10) == cudaErrorInvalidValue, "temperature 0 without greedy is rejected");
  checks.expect(status({0, 1.0f, 0, 0.0f, nullptr}, 10) == cudaErrorInvalidValue, "top_p 0 is rejected");
  checks.expect(status({0, NAN, 0, 1.0f, nullptr}, 10) == cudaErrorInvalidValue, "a NaN temperature is rejected");
  checks.expect(status({1, 0.0f, 0, 0.0f, nullptr}, 0) == cudaErrorInvalidValue, "vocab 0 is rejected");
  checks.expect(status({1, 0.0f, 0, 0.0f, nullptr}, 10) == cudaSuccess, "greedy ignores temperature and top_p");
}

}  // namespace

void register_sampling_tests(std::vector<KernelTest>& tests) {
  tests.push_back({"sampling: greedy and top_k=1 are the argmax", greedy_and_top_k_one_are_argmax});
  tests.push_back({"sampling: draws follow the filtered softmax", draws_follow_the_filtered_softmax});
  tests.push_back({"sampling: large-vocabulary draws stay in the kept set", large_vocabulary_draws_stay_in_the_kept_set});
  tests.push_back({"sampling: top-p cuts ties like transformers", top_p_cuts_ties_like_transformers});
  tests.push_back({"sampling: draws depend only on seed, row and step", draws_depend_only_on_seed_row_and_step});
  tests.push_back({"sampling: keyed rows draw the same in any launch", keyed_rows_draw_the_same_in_any_launch});
  tests.push_back({"sampling: launcher rejects bad settings", launcher_rejects_bad_settings});
}

}  // namespace sqlrl::cuda::test
