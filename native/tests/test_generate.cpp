// Generation: the KV cache against full recomputation, sampling filters and seeds, stop ids.
#include <algorithm>

#include "test_harness.h"
#include "tiny_model.h"

using namespace sqlrl_test;

namespace {

struct Generated {
  std::vector<int32_t> tokens;
  std::vector<float> logprobs;
  std::vector<int32_t> lengths;
};

struct Request {
  int32_t samples = 1;
  int32_t max_new = 6;
  bool greedy = true;
  double temperature = 1.0;
  int32_t top_k = 0;
  double top_p = 1.0;
  uint64_t seed = 1;
  std::vector<int32_t> stop_ids;
  bool adapters = true;
  std::vector<uint64_t> prompt_seeds;  // empty: none
};

Generated generate(const TinyModel& model, const Packed& prompts, const Request& r) {
  size_t rows = static_cast<size_t>(prompts.count()) * r.samples;
  Generated out{std::vector<int32_t>(rows * r.max_new, -7), std::vector<float>(rows * r.max_new), std::vector<int32_t>(rows)};
  sqlrl_generate_params params;
  sqlrl_generate_params_init(&params);
  params.num_samples = r.samples;
  params.max_new_tokens = r.max_new;
  params.greedy = r.greedy ? 1 : 0;
  params.temperature = r.temperature;
  params.top_k = r.top_k;
  params.top_p = r.top_p;
  params.seed = r.seed;
  params.stop_ids = r.stop_ids.data();
  params.n_stop_ids = static_cast<int32_t>(r.stop_ids.size());
  params.use_adapters = r.adapters ? 1 : 0;
  params.prompt_seeds = r.prompt_seeds.empty() ? nullptr : r.prompt_seeds.data();
  CHECK_OK(sqlrl_generate(model.session(), prompts.tokens.data(), prompts.lengths.data(), prompts.count(), &params,
                          out.tokens.data(), out.logprobs.data(), out.lengths.data()));
  return out;
}

// log_softmax(logits / temperature) of the last position of `sequence`, by a full forward pass.
std::vector<double> next_token_logprobs(const TinyModel& model, const std::vector<int32_t>& sequence,
                                        double temperature) {
  int vocab = model.spec().vocab;
  std::vector<float> logits = model.logits(Packed::of({sequence}));
  const float* last = logits.data() + (sequence.size() - 1) * vocab;
  double top = -1e300, sum = 0;
  for (int v = 0; v < vocab; ++v) top = std::max(top, last[v] / temperature);
  for (int v = 0; v < vocab; ++v) sum += std::exp(last[v] / temperature - top);
  std::vector<double> out(vocab);
  for (int v = 0; v < vocab; ++v) out[v] = last[v] / temperature - top - std::log(sum);
  return out;
}

// Every generated token's log-prob (and, for greedy, the token itself) against recomputation.
void check_against_recomputation(const TinyModel& model, const std::vector<std::vector<int32_t>>& prompts,
                                 const Request& request, const Generated& generated, double tolerance = 1e-4) {
  for (size_t p = 0; p < prompts.size(); ++p) {
    for (int32_t s = 0; s < request.samples; ++s) {
      size_t row = p * request.samples + s;
      std::vector<int32_t> sequence = prompts[p];
      CHECK(generated.lengths[row] >= 1 && generated.lengths[row] <= request.max_new);
      for (int32_t j = 0; j < generated.lengths[row]; ++j) {
        int32_t token = generated.tokens[row * request.max_new + j];
        std::vector<double> logprobs = next_token_logprobs(model, sequence, request.greedy ? 1.0 : request.temperature);
        if (request.greedy) {
          int32_t argmax = static_cast<int32_t>(std::max_element(logprobs.begin(), logprobs.end()) - logprobs.begin());
          CHECK_MSG(token == argmax, "row " << row << " step " << j << ": " << token << " vs argmax " << argmax);
        }
        CHECK_NEAR(generated.logprobs[row * request.max_new + j], logprobs[token], tolerance);
        sequence.push_back(token);
      }
    }
  }
}

}  // namespace

TEST(kv_cache_greedy_decoding_equals_argmax_of_full_recomputation) {
  for (int32_t arch : {SQLRL_ARCH_QWEN2, SQLRL_ARCH_LLAMA}) {
    TinySpec spec;
    spec.arch = arch;
    TinyModel model(spec);
    auto prompts = random_sequences(3, 1, 7, spec.vocab, 30 + arch);
    Request request;
    Generated generated = generate(model, Packed::of(prompts), request);
    for (int32_t length : generated.lengths) CHECK(length == request.max_new);
    check_against_recomputation(model, prompts, request, generated);
  }
}

TEST(sampled_logprobs_with_shared_prefill_match_full_recomputation) {
  TinyModel model(TinySpec{});
  auto prompts = random_sequences(2, 2, 6, 97, 41);
  Request request;
  request.samples = 3;
  request.greedy = false;
  request.temperature = 0.8;
  request.top_k = 20;
  request.top_p = 0.9;
  Generated generated = generate(model, Packed::of(prompts), request);
  check_against_recomputation(model, prompts, request, generated);
}

TEST(seeded_sampling_is_reproducible_and_the_seed_matters) {
  TinyModel model(TinySpec{});
  Packed prompts = Packed::of(random_sequences(3, 2, 6, 97, 42));
  Request request;
  request.samples = 4;
  request.max_new = 8;
  request.greedy = false;
  request.temperature = 1.3;
  request.seed = 99;
  Generated first = generate(model, prompts, request), again = generate(model, prompts, request);
  CHECK(first.tokens == again.tokens);
  CHECK(first.logprobs == again.logprobs);
  request.seed = 100;
  CHECK(generate(model, prompts, request).tokens != first.tokens);
  // Samples of one prompt differ from each other (they share the prefill, not the draws).
  CHECK(!std::equal(first.tokens.begin(), first.tokens.begin() + 8, first.tokens.begin() + 8));
}

TEST(top_k_one_sampling_equals_greedy) {
  TinyModel model(TinySpec{});
  Packed prompts = Packed::of(random_sequences(2, 2, 6, 97, 43));
  Request greedy;
  greedy.samples = 3;
  Request top1 = greedy;
  top1.greedy = false;
  top1.top_k = 1;
  top1.seed = 5;
  Generated a = generate(model, prompts, greedy), b = generate(model, prompts, top1);
  CHECK(a.tokens == b.tokens);
  CHECK(max_abs_difference(a.logprobs, b.logprobs) < 1e-6);  // temperature 1: same distribution
}

TEST(stop_ids_end_a_row_which_then_stops_changing) {
  TinyModel model(TinySpec{});
  Packed prompts = Packed::of(random_sequences(3, 2, 6, 97, 44));
  Request request;
  request.max_new = 8;
  Generated free_run = generate(model, prompts, request);
  int32_t stop = free_run.tokens[2];  // row 0's third token
  request.stop_ids = {stop};
  Generated stopped = generate(model, prompts, request);
  for (int32_t row = 0; row < 3; ++row) {
    const int32_t* unstopped = free_run.tokens.data() + row * 8;
    int32_t expected = static_cast<int32_t>(std::find(unstopped, unstopped + 8, stop) - unstopped);
    expected = std::min(expected + 1, 8);  // the stop id is part of the output
    CHECK_MSG(stopped.lengths[row] == expected, "row " << row << ": " << stopped.lengths[row] << " vs " << expected);
    for (int32_t j = 0; j < 8; ++j) {
      if (j < expected) {
        CHECK(stopped.tokens[row * 8 + j] == unstopped[j]);
      } else {
        CHECK(stopped.tokens[row * 8 + j] == 0);
        CHECK(stopped.logprobs[row * 8 + j] == 0.0f);
      }
    }
  }
  CHECK(stopped.lengths[0] == 3);
}

TEST(generation_uses_adapters_only_when_asked) {
  TinyModel model(TinySpec{});
  Packed prompts = Packed::of(random_sequences(2, 3, 5, 97, 45));
  Request request;
  Generated base = generate(model, prompts, request);
  model.attach_lora(4, 16.0, 127);
  model.randomize_lora_b(8);
  Request without = request;
  without.adapters = false;
  CHECK(generate(model, prompts, without).logprobs == base.logprobs);
  CHECK(generate(model, prompts, request).logprobs != base.logprobs);
}

TEST(dense_sampling_gives_the_same_completions_for_every_weight_mode) {
  for (int32_t mode : {SQLRL_WEIGHTS_FP32, SQLRL_WEIGHTS_BF16, SQLRL_WEIGHTS_NF4}) {
    TinySpec spec;
    spec.weight_mode = mode;
    spec.hidden = 64;  // NF4 needs whole 64-value blocks
    spec.intermediate = 128;
    TinyModel model(spec);
    model.attach_lora(4, 8.0, 0x7F);  // all seven projections
    model.randomize_lora_b(5);
    Packed prompts = Packed::of(random_sequences(3, 2, 6, 97, 11));
    std::vector<float> logits_before = model.logits(prompts);
    for (bool greedy : {true, false}) {
      Request request;
      request.samples = 2;
      request.max_new = 7;
      request.greedy = greedy;
      request.temperature = 0.9;
      request.seed = 5;
      Generated plain = generate(model, prompts, request);
      CHECK_OK(sqlrl_model_set_dense_sampling(model.handle(), 1));
      Generated dense = generate(model, prompts, request);
      Generated again = generate(model, prompts, request);  // the held copies were released and are made again
      CHECK_OK(sqlrl_model_set_dense_sampling(model.handle(), 0));
      CHECK_MSG(plain.tokens == dense.tokens && dense.tokens == again.tokens, "mode " << mode << " greedy " << greedy);
      CHECK_MSG(plain.logprobs == dense.logprobs, "mode " << mode << " greedy " << greedy);
      // Forward passes afterwards still compute from the stored weights (nothing held, nothing changed).
      CHECK(max_abs_difference(model.logits(prompts), logits_before) == 0.0);
    }
  }
}

// The decode path (K/V attended per kv head without copies, adapters cast once per call with the scale
// folded into B, every row attending the whole fixed-capacity cache under its own mask) computes what a
// plain forward pass over the whole sequence computes: same greedy tokens, log-probs within 1e-5 (fp32).
TEST(decode_path_with_adapters_equals_full_recomputation_within_1e_5) {
  for (int32_t arch : {SQLRL_ARCH_QWEN2, SQLRL_ARCH_LLAMA}) {
    TinySpec spec;
    spec.arch = arch;
    TinyModel model(spec);
    model.attach_lora(4, 16.0, 127);
    model.randomize_lora_b(9);
    auto prompts = random_sequences(3, 1, 8, spec.vocab, 60 + arch);
    for (bool greedy : {true, false}) {
      Request request;
      request.samples = greedy ? 1 : 3;
      request.max_new = 9;
      request.greedy = greedy;
      request.temperature = 0.7;
      Generated generated = generate(model, Packed::of(prompts), request);
      check_against_recomputation(model, prompts, request, generated, 1e-5);
    }
  }
}

// The CUDA-graph setting changes nothing where there is no CUDA device: the step runs as it is.
TEST(cuda_graph_setting_is_ignored_on_the_cpu) {
  TinyModel model(TinySpec{});
  Packed prompts = Packed::of(random_sequences(2, 2, 5, 97, 77));
  Request request;
  request.greedy = false;
  request.samples = 2;
  Generated plain = generate(model, prompts, request);
  CHECK_OK(sqlrl_model_set_cuda_graphs(model.handle(), 1));
  Generated with_setting = generate(model, prompts, request);
  CHECK_OK(sqlrl_model_set_cuda_graphs(model.handle(), 0));
  CHECK(plain.tokens == with_setting.tokens && plain.logprobs == with_setting.logprobs);
}

// AUTO holds dense weights only where it pays and fits (CUDA, > 16 rows): on the CPU it is OFF, and any
// setting gives the same completions there; values outside OFF / ON / AUTO are refused.
TEST(dense_sampling_auto_is_off_on_the_cpu_and_bad_values_are_refused) {
  TinyModel model(TinySpec{});
  Packed prompts = Packed::of(random_sequences(2, 2, 5, 97, 78));
  Request request;
  request.samples = 9;  // 18 rows: more than the fused GEMV takes
  Generated plain = generate(model, prompts, request);
  CHECK_OK(sqlrl_model_set_dense_sampling(model.handle(), SQLRL_DENSE_SAMPLING_AUTO));
  Generated automatic = generate(model, prompts, request);
  CHECK(plain.tokens == automatic.tokens && plain.logprobs == automatic.logprobs);
  CHECK(sqlrl_model_set_dense_sampling(model.handle(), 3) == SQLRL_ERR_INVALID_ARGUMENT);
  CHECK(sqlrl_model_set_dense_sampling(model.handle(), -1) == SQLRL_ERR_INVALID_ARGUMENT);
}

// Prompts that share a long prefix (a served database's schema) prefill it once; the completions are those
// of the full computation: greedy tokens and log-probs as recomputation gives them (1e-5, fp32), also for a
// prompt that is the prefix plus one token, and the same as each prompt generated on its own.
TEST(shared_prompt_prefix_is_prefilled_once_with_the_same_results) {
  TinySpec spec;
  TinyModel model(spec);
  model.attach_lora(4, 16.0, 127);
  model.randomize_lora_b(12);
  std::vector<int32_t> prefix = random_sequences(1, 40, 40, spec.vocab, 90)[0];
  std::vector<std::vector<int32_t>> prompts;
  for (int suffix : {1, 5, 3}) {
    std::vector<int32_t> prompt = prefix;
    std::vector<int32_t> own = random_sequences(1, suffix, suffix, spec.vocab, 91 + suffix)[0];
    prompt.insert(prompt.end(), own.begin(), own.end());
    prompts.push_back(prompt);
  }
  for (bool greedy : {true, false}) {
    Request request;
    request.greedy = greedy;
    request.samples = greedy ? 1 : 2;
    request.max_new = 7;
    Generated together = generate(model, Packed::of(prompts), request);
    check_against_recomputation(model, prompts, request, together, 1e-5);
    if (!greedy) continue;
    for (size_t p = 0; p < prompts.size(); ++p) {
      Generated alone = generate(model, Packed::of({prompts[p]}), request);
      for (int32_t j = 0; j < request.max_new; ++j) {
        CHECK(alone.tokens[j] == together.tokens[p * request.max_new + j]);
        CHECK_NEAR(alone.logprobs[j], together.logprobs[p * request.max_new + j], 1e-5);
      }
    }
  }
}

namespace {
struct StepLog {
  std::vector<std::vector<int32_t>> steps;
  int32_t stop_after = -1;  // end the generation after this step (-1: never)
};

int32_t log_step(void* context, int32_t step, const int32_t* tokens, int32_t rows) {
  auto* log = static_cast<StepLog*>(context);
  CHECK(step == static_cast<int32_t>(log->steps.size()));
  log->steps.emplace_back(tokens, tokens + rows);
  return step == log->stop_after ? 1 : 0;
}
}  // namespace

// The step callback sees each step's tokens as the outputs hold them (-1 once a row stopped), and a nonzero
// return ends the generation after that step with the steps so far in the outputs.
TEST(step_callback_reports_each_step_and_can_end_the_generation) {
  TinyModel model(TinySpec{});
  Packed prompts = Packed::of(random_sequences(2, 2, 5, 97, 80));
  Request request;
  request.greedy = false;
  request.samples = 2;
  request.max_new = 8;
  Generated plain = generate(model, prompts, request);
  request.stop_ids = {plain.tokens[2]};  // row 0 stops at its third token
  Generated stopped = generate(model, prompts, request);
  StepLog log;
  CHECK_OK(sqlrl_session_set_step_callback(model.session(), reinterpret_cast<void*>(&log_step), &log));
  Generated reported = generate(model, prompts, request);
  CHECK(reported.tokens == stopped.tokens && reported.lengths == stopped.lengths);
  CHECK(log.steps.size() == static_cast<size_t>(request.max_new));
  for (size_t row = 0; row < 4; ++row) {
    for (int32_t step = 0; step < request.max_new; ++step) {
      int32_t expected = step < reported.lengths[row] ? reported.tokens[row * request.max_new + step] : -1;
      CHECK_MSG(log.steps[step][row] == expected, "row " << row << " step " << step);
    }
  }
  StepLog early;
  early.stop_after = 2;
  CHECK_OK(sqlrl_session_set_step_callback(model.session(), reinterpret_cast<void*>(&log_step), &early));
  request.stop_ids.clear();
  Generated cut = generate(model, prompts, request);
  CHECK(early.steps.size() == 3);
  for (size_t row = 0; row < 4; ++row) CHECK(cut.lengths[row] == 3);
  CHECK_OK(sqlrl_session_set_step_callback(model.session(), nullptr, nullptr));
  CHECK(generate(model, prompts, request).tokens == plain.tokens);
}

// With prompt seeds, a prompt's samples do not depend on the other prompts of the call: the same prompts in another
// order, or one alone, draw the same completions (a data-parallel rank sampling its share gets what one process gets).
TEST(prompt_seeds_make_a_prompts_samples_independent_of_the_batch) {
  TinyModel model(TinySpec{});
  std::vector<std::vector<int32_t>> prompts = random_sequences(3, 2, 6, 97, 90);
  Request request;
  request.greedy = false;
  request.samples = 2;
  request.max_new = 7;
  request.top_k = 20;
  request.prompt_seeds = {1001, 1002, 1003};
  Generated all = generate(model, Packed::of(prompts), request);
  request.prompt_seeds = {1003, 1001};
  request.seed = 99;  // unused with prompt seeds
  Generated reordered = generate(model, Packed::of({prompts[2], prompts[0]}), request);
  request.prompt_seeds = {1002};
  Generated alone = generate(model, Packed::of({prompts[1]}), request);
  auto row_of = [&](const Generated& g, int row) {
    return std::vector<int32_t>(g.tokens.begin() + row * request.max_new, g.tokens.begin() + (row + 1) * request.max_new);
  };
  for (int s = 0; s < 2; ++s) {
    CHECK_MSG(row_of(reordered, s) == row_of(all, 4 + s), "prompt 2 sample " << s);
    CHECK_MSG(row_of(reordered, 2 + s) == row_of(all, s), "prompt 0 sample " << s);
    CHECK_MSG(row_of(alone, s) == row_of(all, 2 + s), "prompt 1 sample " << s);
  }
  CHECK_MSG(row_of(all, 0) != row_of(all, 1), "two samples of one prompt should draw differently");
  request.prompt_seeds = {2002};
  CHECK_MSG(row_of(generate(model, Packed::of({prompts[1]}), request), 0) != row_of(alone, 0),
            "another prompt seed should draw otherwise");
}

namespace {
Generated generate_on_path(const TinyModel& model, const Packed& prompts, const Request& request, bool fused) {
  CHECK_OK(sqlrl_model_set_decode_step(model.handle(), fused ? SQLRL_DECODE_STEP_FUSED : SQLRL_DECODE_STEP_PLAIN));
  Generated out = generate(model, prompts, request);
  CHECK_OK(sqlrl_model_set_decode_step(model.handle(), SQLRL_DECODE_STEP_AUTO));
  return out;
}

// Prompts of different lengths, two of them opening with the same 40 tokens (so the shared prefill runs too).
std::vector<std::vector<int32_t>> mixed_prompts(int vocab, uint64_t seed) {
  std::vector<std::vector<int32_t>> prompts = random_sequences(3, 1, 9, vocab, seed);
  std::vector<int32_t> prefix = random_sequences(1, 40, 40, vocab, seed + 1)[0];
  for (int suffix : {2, 6}) {
    std::vector<int32_t> prompt = prefix;
    std::vector<int32_t> own = random_sequences(1, suffix, suffix, vocab, seed + 2 + suffix)[0];
    prompt.insert(prompt.end(), own.begin(), own.end());
    prompts.push_back(prompt);
  }
  return prompts;
}
}  // namespace

// The fused decode step (one call each for the norms, RoPE + K/V store, attention and the SwiGLU gate; the samples
// of a prompt reading its one prefill) computes what the plain tensor-op step over a cache expanded per sample
// computes, for every family sqlrl runs (Qwen2's biases, Llama, Qwen3's q/k norms, Phi-3's fused adapters, a
// sliding window that cuts into the prompt and into the generated tokens) and weight format: the same tokens,
// log-probs within 1e-5 (fp32 compute), with and without adapters, greedy and sampled (call seed and prompt seeds),
// rows ending at a stop id. Greedy fused decoding is also checked against full recomputation.
TEST(fused_decode_step_equals_the_plain_step_for_every_family_and_weight_format) {
  struct Case {
    int32_t arch;
    int64_t window;
    int32_t weights;
  };
  for (Case c : {Case{SQLRL_ARCH_QWEN2, 0, SQLRL_WEIGHTS_FP32}, Case{SQLRL_ARCH_LLAMA, 0, SQLRL_WEIGHTS_FP32},
                 Case{SQLRL_ARCH_QWEN3, 0, SQLRL_WEIGHTS_FP32}, Case{SQLRL_ARCH_PHI3, 5, SQLRL_WEIGHTS_FP32},
                 Case{SQLRL_ARCH_LLAMA, 5, SQLRL_WEIGHTS_FP32}, Case{SQLRL_ARCH_QWEN2, 0, SQLRL_WEIGHTS_BF16},
                 Case{SQLRL_ARCH_QWEN2, 0, SQLRL_WEIGHTS_NF4}}) {
    TinySpec spec;
    spec.arch = c.arch;
    spec.sliding_window = c.window;
    spec.weight_mode = c.weights;
    spec.hidden = 64;  // NF4 needs whole 64-value blocks
    spec.intermediate = 128;
    TinyModel model(spec);
    model.attach_lora(4, 8.0, 0x7F);
    model.randomize_lora_b(21);
    std::vector<std::vector<int32_t>> prompts = mixed_prompts(spec.vocab, 200 + c.arch);
    for (int variant = 0; variant < 4; ++variant) {
      Request request;
      request.max_new = 10;
      request.greedy = variant == 0;
      request.samples = variant == 0 ? 1 : 3;
      request.temperature = 0.8;
      request.top_k = variant == 2 ? 30 : 0;
      request.adapters = variant != 3;
      if (variant == 2) request.prompt_seeds = {11, 12, 13, 14, 15};
      if (variant == 3) request.stop_ids = {3, 5, 7, 9, 11, 13};
      Generated plain = generate_on_path(model, Packed::of(prompts), request, false);
      Generated fused = generate_on_path(model, Packed::of(prompts), request, true);
      std::string where = "arch " + std::to_string(c.arch) + " window " + std::to_string(c.window) + " weights " +
                          std::to_string(c.weights) + " variant " + std::to_string(variant);
      CHECK_MSG(plain.tokens == fused.tokens, where);
      CHECK_MSG(plain.lengths == fused.lengths, where);
      CHECK_MSG(max_abs_difference(plain.logprobs, fused.logprobs) <= 1e-5,
                where << ": log-probs differ by " << max_abs_difference(plain.logprobs, fused.logprobs));
      if (variant == 0 && c.weights == SQLRL_WEIGHTS_FP32) check_against_recomputation(model, prompts, request, fused, 1e-5);
    }
  }
}

namespace {
// Operators of one decode step: a generate call of 3 new tokens minus one of 2 (one more draw and decode step).
int64_t ops_per_decode_step(const TinyModel& model, bool fused) {
  Packed prompts = Packed::of(random_sequences(4, 6, 6, 97, 5));
  Request request;
  request.samples = 2;
  request.greedy = false;
  int64_t counts[2];
  for (int i = 0; i < 2; ++i) {
    request.max_new = 2 + i;
    CHECK_OK(sqlrl_op_count_start());
    generate_on_path(model, prompts, request, fused);
    CHECK_OK(sqlrl_op_count_stop(&counts[i]));
  }
  return counts[1] - counts[0];
}
}  // namespace

// The budget: under 30 operators per decoder layer in a decode step with adapters on all seven
// projections (the plain tensor-op step takes about 100).
TEST(fused_decode_step_costs_under_30_operators_per_layer) {
  int64_t per_step[2], plain_per_step[2];
  for (int i = 0; i < 2; ++i) {
    TinySpec spec;
    spec.layers = i == 0 ? 2 : 6;
    TinyModel model(spec);
    model.attach_lora(4, 8.0, 0x7F);
    per_step[i] = ops_per_decode_step(model, true);
    plain_per_step[i] = ops_per_decode_step(model, false);
  }
  double per_layer = (per_step[1] - per_step[0]) / 4.0, plain_per_layer = (plain_per_step[1] - plain_per_step[0]) / 4.0;
  std::printf("    operators per decode layer: fused %.1f, plain %.1f; per step of 6 layers: fused %lld, plain %lld\n",
              per_layer, plain_per_layer, static_cast<long long>(per_step[1]), static_cast<long long>(plain_per_step[1]));
  CHECK_MSG(per_layer < 30, per_layer);
  CHECK_MSG(per_step[1] / 6.0 < 30, per_step[1]);
  CHECK_MSG(plain_per_layer > 3 * per_layer, plain_per_layer);  // the count sees the difference
}

namespace {
// A tiny model on the GPU with head_dim 16, 4 query heads per kv head and whole 64-value NF4 blocks.
TinySpec cuda_spec(int32_t arch, int32_t weights) {
  TinySpec spec;
  spec.arch = arch;
  spec.device = SQLRL_DEVICE_CUDA;
  spec.weight_mode = weights;
  spec.hidden = 128;
  spec.heads = 8;
  spec.kv_heads = 2;
  spec.intermediate = 256;
  return spec;
}
}  // namespace

// On a CUDA build with a GPU (the device check runs these tests there): the fused step's kernels and the same step
// recorded as a CUDA graph give what the plain tensor-op step gives on the same device (fp32: same tokens,
// log-probs within 1e-4), for Qwen2 (14/2-style grouping), Qwen3's norms and a sliding window. Skipped elsewhere.
TEST(fused_decode_step_on_cuda_equals_the_plain_step) {
  if (!sqlrl_cuda_available()) {
    std::printf("    skipped: no CUDA device\n");
    return;
  }
  for (int32_t arch : {SQLRL_ARCH_QWEN2, SQLRL_ARCH_QWEN3, SQLRL_ARCH_LLAMA}) {
    TinySpec spec = cuda_spec(arch, SQLRL_WEIGHTS_FP32);
    spec.sliding_window = arch == SQLRL_ARCH_LLAMA ? 6 : 0;
    TinyModel model(spec);
    model.attach_lora(4, 8.0, 0x7F);
    model.randomize_lora_b(31);
    std::vector<std::vector<int32_t>> prompts = mixed_prompts(spec.vocab, 300 + arch);
    for (bool greedy : {true, false}) {
      Request request;
      request.greedy = greedy;
      request.samples = greedy ? 1 : 4;
      request.max_new = 12;
      request.prompt_seeds = {5, 6, 7, 8, 9};
      Generated plain = generate_on_path(model, Packed::of(prompts), request, false);
      Generated fused = generate_on_path(model, Packed::of(prompts), request, true);
      CHECK_OK(sqlrl_model_set_cuda_graphs(model.handle(), 1));
      Generated graphed = generate_on_path(model, Packed::of(prompts), request, true);
      CHECK_OK(sqlrl_model_set_cuda_graphs(model.handle(), 0));
      std::string where = "arch " + std::to_string(arch) + (greedy ? " greedy" : " sampled");
      CHECK_MSG(plain.tokens == fused.tokens, where);
      CHECK_MSG(max_abs_difference(plain.logprobs, fused.logprobs) <= 1e-4,
                where << ": " << max_abs_difference(plain.logprobs, fused.logprobs));
      CHECK_MSG(fused.tokens == graphed.tokens, where << " (CUDA graph)");
      CHECK_MSG(max_abs_difference(fused.logprobs, graphed.logprobs) <= 1e-5, where << " (CUDA graph)");
    }
  }
}

// On a GPU: NF4 projections of 17..64 rows through the tensor-core GEMM (sqlrl_model_set_tensor_core_gemm) give
// what dequantize + cuBLAS gives up to bf16 summation order: the first step's log-probs within 0.05 nats and
// its greedy tokens equal (20 rows: 5 prompts x 4 samples). Skipped without a CUDA device.
TEST(tensor_core_nf4_gemm_on_cuda_matches_dequantize_and_gemm) {
  if (!sqlrl_cuda_available()) {
    std::printf("    skipped: no CUDA device\n");
    return;
  }
  TinySpec spec = cuda_spec(SQLRL_ARCH_QWEN2, SQLRL_WEIGHTS_NF4);
  TinyModel model(spec);
  model.attach_lora(4, 8.0, 0x7F);
  model.randomize_lora_b(41);
  std::vector<std::vector<int32_t>> prompts = mixed_prompts(spec.vocab, 400);
  Request request;
  request.samples = 4;
  request.max_new = 6;
  Generated dequantized = generate(model, Packed::of(prompts), request);
  CHECK_OK(sqlrl_model_set_tensor_core_gemm(model.handle(), 1));
  Generated tensor_core = generate(model, Packed::of(prompts), request);
  CHECK_OK(sqlrl_model_set_tensor_core_gemm(model.handle(), 0));
  for (size_t row = 0; row < dequantized.lengths.size(); ++row) {
    size_t first = row * request.max_new;
    CHECK_MSG(dequantized.tokens[first] == tensor_core.tokens[first], "row " << row);
    CHECK_NEAR(dequantized.logprobs[first], tensor_core.logprobs[first], 0.05);
  }
}

// AUTO is the fused step on the CPU (the same completions as FUSED, bit for bit), as sqlrl_model_decode_step_used
// says; values outside AUTO / FUSED / PLAIN are refused.
TEST(decode_step_auto_is_fused_on_the_cpu_and_bad_values_are_refused) {
  TinyModel model(TinySpec{});
  std::vector<std::vector<int32_t>> prompts = mixed_prompts(97, 500);
  Request request;
  request.greedy = false;
  request.samples = 3;
  Generated automatic = generate(model, Packed::of(prompts), request);
  Generated fused = generate_on_path(model, Packed::of(prompts), request, true);
  CHECK(automatic.tokens == fused.tokens && automatic.logprobs == fused.logprobs);
  int32_t used = -1;
  CHECK_OK(sqlrl_model_decode_step_used(model.handle(), &used));
  CHECK(used == SQLRL_DECODE_STEP_FUSED);
  CHECK_OK(sqlrl_model_set_decode_step(model.handle(), SQLRL_DECODE_STEP_PLAIN));
  CHECK_OK(sqlrl_model_decode_step_used(model.handle(), &used));
  CHECK(used == SQLRL_DECODE_STEP_PLAIN);
  CHECK(sqlrl_model_decode_step_used(model.handle(), nullptr) == SQLRL_ERR_INVALID_ARGUMENT);
  CHECK(sqlrl_model_set_decode_step(model.handle(), 3) == SQLRL_ERR_INVALID_ARGUMENT);
  CHECK(sqlrl_model_set_decode_step(model.handle(), -1) == SQLRL_ERR_INVALID_ARGUMENT);
}
