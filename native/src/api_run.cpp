// extern "C": forward passes, log-probs and their backward, generation.
#include <cmath>
#include <cstring>

#include "api_guard.h"
#include "api_inputs.h"
#include "torch_compat.h"

using namespace sqlrl;

extern "C" int32_t sqlrl_forward_logits(sqlrl_model* model, const int32_t* tokens, const int32_t* seq_lens, int32_t n_seqs,
                                        int32_t use_adapters, float* out_logits) {
  return guarded([&] {
    Model& m = ready_model_of(model);
    PaddedBatch batch = pad_packed(m, tokens, seq_lens, n_seqs, "sequence");
    check_not_null(out_logits, "out_logits");
    c10::NoGradGuard no_grad;
    ForwardMode mode{m.adapters_active(use_adapters != 0), false, 0};
    at::Tensor logits = vocab_logits(m, forward_hidden(m, batch.tokens, mode)).to(at::kCPU).contiguous();
    int64_t vocab = m.config.vocab_size, offset = 0;
    for (size_t i = 0; i < batch.lengths.size(); ++i) {
      int64_t count = batch.lengths[i] * vocab;
      std::memcpy(out_logits + offset, logits[static_cast<int64_t>(i)].data_ptr<float>(), count * sizeof(float));
      offset += count;
    }
  });
}

extern "C" int32_t sqlrl_logprobs(sqlrl_session* session, const int32_t* tokens, const int32_t* seq_lens,
                                  const int32_t* prompt_lens, int32_t n_seqs, int32_t use_adapters,
                                  double temperature, int32_t keep_graph, float* out_logprobs) {
  return guarded([&] {
    Session& s = ready_session_of(session);
    Model& m = *s.model;
    PaddedBatch batch = pad_packed(m, tokens, seq_lens, n_seqs, "sequence");
    check_not_null(prompt_lens, "prompt_lens");
    check_not_null(out_logprobs, "out_logprobs");
    std::vector<int64_t> prompts;
    for (int32_t i = 0; i < n_seqs; ++i) {
      check_arg(prompt_lens[i] >= 1 && prompt_lens[i] < seq_lens[i],
                "sequence " + std::to_string(i) + ": prompt_len " + std::to_string(prompt_lens[i]) +
                    " must be in [1, seq_len) with seq_len " + std::to_string(seq_lens[i]) +
                    " (a completion of at least one token after a non-empty prompt)");
      prompts.push_back(prompt_lens[i]);
    }
    check_arg(std::isfinite(temperature) && temperature > 0,
              "temperature must be a finite number > 0, got " + std::to_string(temperature));
    at::Tensor logprobs =
        completion_logprobs(s, batch.tokens, batch.lengths, prompts, use_adapters != 0, temperature, keep_graph != 0);
    at::Tensor host = logprobs.to(at::kCPU).contiguous();
    std::memcpy(out_logprobs, host.data_ptr<float>(), host.numel() * sizeof(float));
  });
}

extern "C" int32_t sqlrl_backward(sqlrl_session* session, const float* grad_logprobs, int64_t n) {
  return guarded([&] {
    Session& s = ready_session_of(session);
    if (!s.pending) {
      throw BadState("no pending graph: call sqlrl_logprobs with keep_graph = 1 on this session before sqlrl_backward");
    }
    check_not_null(grad_logprobs, "grad_logprobs");
    int64_t expected = s.pending->targets.numel();
    check_arg(n == expected, "grad_logprobs has " + std::to_string(n) + " values but the pending log-probs have " +
                                 std::to_string(expected));
    at::Tensor grads =
        at::from_blob(const_cast<float*>(grad_logprobs), {n}, at::kFloat).to(s.model->device, true, true);
    backward_pending(s, grads);
  });
}

extern "C" void sqlrl_generate_params_init(sqlrl_generate_params* params) {
  if (params == nullptr) return;
  *params = sqlrl_generate_params{};
  params->num_samples = 1;
  params->max_new_tokens = 256;
  params->temperature = 1.0;
  params->top_p = 1.0;
  params->use_adapters = 1;
}

extern "C" int32_t sqlrl_generate(sqlrl_session* session, const int32_t* prompt_tokens, const int32_t* prompt_lens,
                                  int32_t n_prompts, const sqlrl_generate_params* params, int32_t* out_tokens,
                                  float* out_logprobs, int32_t* out_lengths) {
  return guarded([&] {
    Session& s = ready_session_of(session);
    Model& m = *s.model;
    PaddedBatch batch = pad_packed(m, prompt_tokens, prompt_lens, n_prompts, "prompt");
    check_not_null(params, "params");
    const sqlrl_generate_params& p = *params;
    check_arg(p.num_samples > 0, "num_samples must be > 0, got " + std::to_string(p.num_samples));
    check_arg(p.max_new_tokens > 0, "max_new_tokens must be > 0, got " + std::to_string(p.max_new_tokens));
    SamplingSettings settings;
    settings.num_samples = p.num_samples;
    settings.max_new_tokens = p.max_new_tokens;
    settings.greedy = p.greedy != 0;
    if (!settings.greedy) {
      check_arg(std::isfinite(p.temperature) && p.temperature > 0,
                "temperature must be a finite number > 0 when sampling, got " + std::to_string(p.temperature));
      check_arg(p.top_k >= 0, "top_k must be >= 0 (0 = off), got " + std::to_string(p.top_k));
      check_arg(p.top_p > 0 && p.top_p <= 1, "top_p must be in (0, 1] (1 = off), got " + std::to_string(p.top_p));
      settings.temperature = p.temperature;
      settings.top_k = p.top_k;
      settings.top_p = p.top_p;
    }
    settings.seed = p.seed;
    check_arg(p.n_stop_ids >= 0, "n_stop_ids must be >= 0, got " + std::to_string(p.n_stop_ids));
    if (p.n_stop_ids > 0) check_not_null(p.stop_ids, "stop_ids");
    for (int32_t i = 0; i < p.n_stop_ids; ++i) {
      check_arg(p.stop_ids[i] >= 0 && p.stop_ids[i] < m.config.vocab_size,
                "stop id " + std::to_string(p.stop_ids[i]) + " at index " + std::to_string(i) + " is outside [0, " +
                    std::to_string(m.config.vocab_size) + ")");
      settings.stop_ids.push_back(p.stop_ids[i]);
    }
    settings.use_adapters = p.use_adapters != 0;
    if (p.prompt_seeds != nullptr) settings.prompt_seeds.assign(p.prompt_seeds, p.prompt_seeds + n_prompts);
    settings.step_callback = s.step_callback;
    settings.step_context = s.step_context;
    check_not_null(out_tokens, "out_tokens");
    check_not_null(out_logprobs, "out_logprobs");
    check_not_null(out_lengths, "out_lengths");
    Generation result = generate(m, batch.tokens, batch.lengths, settings);
    std::memcpy(out_tokens, result.tokens.data_ptr<int32_t>(), result.tokens.numel() * sizeof(int32_t));
    std::memcpy(out_logprobs, result.logprobs.data_ptr<float>(), result.logprobs.numel() * sizeof(float));
    std::memcpy(out_lengths, result.lengths.data_ptr<int32_t>(), result.lengths.numel() * sizeof(int32_t));
  });
}
