// Batched generation: one prefill per prompt, then decode steps in which every sample of a prompt reads the
// prompt's K/V from that one prefill and its own generated K/V from fixed-capacity per-row slots; greedy or
// filtered sampling. A decode step has the same shapes every time and reads its inputs from fixed tensors,
// so that a CUDA graph can record and replay it. Two decode paths compute the same thing: the fused step
// (decode_step.h; sqlrl_model_set_decode_step) and the plain one (transformer.cpp's tensor ops over a cache expanded to every
// sample), kept for comparison and for CUDA builds without native/cuda's kernels.
#include <algorithm>
#include <limits>

#include "cuda_kernels.h"
#include "decode_runner.h"
#include "decode_step.h"
#include "model.h"
#include "sampling_filters.h"
#include "sqlrl.h"
#include "torch_compat.h"

namespace sqlrl {

namespace {
// CUDA decode steps between checks that all rows have stopped: each check waits for the device, which
// would otherwise run ahead of the host. On the CPU there is nothing to wait for: every step checks.
constexpr int64_t kCudaStopCheckInterval = 8;

struct Draw {
  at::Tensor tokens;    // int64 [rows]
  at::Tensor logprobs;  // fp32 [rows]: under the temperature-scaled distribution, before filtering
};

// row_seeds: int64 [rows] on the device when the call has prompt seeds, else undefined.
Draw draw(const at::Tensor& logits, const SamplingSettings& settings, at::Generator& generator,
          const at::Tensor& row_seeds, int64_t step) {
  Draw out;
  if (cuda_kernels::available() && logits.is_cuda()) {
    // One kernel per step, no host round trip; Philox keyed by (seed, row, step) or (row seed, step).
    cuda_kernels::sample(logits, settings.greedy, settings.temperature, settings.top_k, settings.top_p, settings.seed,
                         row_seeds, static_cast<uint64_t>(step), &out.tokens, &out.logprobs);
    return out;
  }
  if (settings.greedy) {
    out.tokens = logits.argmax(-1);
    out.logprobs = at::log_softmax(logits, -1).gather(1, out.tokens.unsqueeze(1)).squeeze(1);
    return out;
  }
  at::Tensor scaled = logits / settings.temperature;
  out.tokens = row_seeds.defined()
                   ? sample_keyed(scaled, settings.top_k, settings.top_p, row_seeds, static_cast<uint64_t>(step))
                   : sample_filtered(scaled, settings.top_k, settings.top_p, generator);
  out.logprobs = at::log_softmax(scaled, -1).gather(1, out.tokens.unsqueeze(1)).squeeze(1);
  return out;
}
// Below this many shared tokens, prefilling them apart costs more launches than it saves.
constexpr int64_t kMinSharedPrefix = 32;

// How many leading tokens every prompt has in common, leaving each prompt at least one token of its own
// (its last position must be computed in the batched pass, where its logits are read).
int64_t shared_prefix_length(const at::Tensor& prompts, const std::vector<int64_t>& prompt_lens) {
  at::Tensor host = prompts.to(at::kCPU, at::kLong).contiguous();
  const int64_t* tokens = host.data_ptr<int64_t>();
  int64_t width = host.size(1);
  int64_t limit = *std::min_element(prompt_lens.begin(), prompt_lens.end()) - 1;
  for (int64_t position = 0; position < limit; ++position) {
    for (int64_t row = 1; row < host.size(0); ++row) {
      if (tokens[row * width + position] != tokens[position]) return position;
    }
  }
  return std::max<int64_t>(limit, 0);
}

// Dense copies of the frozen weights for the length of one generate call (model.dense_sampling).
class HeldDenseWeights {
 public:
  HeldDenseWeights(Model& model, int64_t rows) : model_(model) {
    if (!wanted(model, rows)) return;
    for (DecoderLayerWeights& layer : model_.layers) {
      for (FrozenLinear& linear : layer.projections) linear.hold_dense();
    }
  }
  ~HeldDenseWeights() {
    for (DecoderLayerWeights& layer : model_.layers) {
      for (FrozenLinear& linear : layer.projections) linear.release_dense();
    }
  }
  HeldDenseWeights(const HeldDenseWeights&) = delete;
  HeldDenseWeights& operator=(const HeldDenseWeights&) = delete;

  // AUTO: where decode would otherwise dequantize every projection each step (CUDA, more rows than the
  // fused GEMV takes) and the copy fits with room to spare.
  static bool wanted(const Model& model, int64_t rows) {
    if (model.dense_sampling == SQLRL_DENSE_SAMPLING_ON) return true;
    if (model.dense_sampling != SQLRL_DENSE_SAMPLING_AUTO || !model.device.is_cuda()) return false;
    if (rows <= cuda_kernels::kGemvMaxRows) return false;
    int64_t dense_bytes = 0;
    for (const DecoderLayerWeights& layer : model.layers) {
      for (const FrozenLinear& linear : layer.projections) {
        dense_bytes += linear.out_features() * linear.in_features() * c10::elementSize(model.compute_dtype);
      }
    }
    return compat::device_free_bytes(model.device) > dense_bytes + dense_bytes / 4;
  }

 private:
  Model& model_;
};
}  // namespace

// splitmix64's finalizer: nearby inputs give unrelated keys.
static uint64_t mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

bool uses_fused_decode(const Model& model) {
  // AUTO keeps CUDA on the plain step until the fused step's kernels have run on a GPU (issue 15).
  if (model.device.is_cuda()) return model.decode_step == SQLRL_DECODE_STEP_FUSED && cuda_kernels::available();
  return model.decode_step != SQLRL_DECODE_STEP_PLAIN;
}

uint64_t row_sampling_seed(uint64_t prompt_seed, int64_t sample) {
  return mix64(mix64(prompt_seed) + static_cast<uint64_t>(sample));
}

Generation generate(Model& model, const at::Tensor& prompts, const std::vector<int64_t>& prompt_lens,
                    const SamplingSettings& settings) {
  c10::NoGradGuard no_grad;
  const ModelConfig& config = model.config;
  ForwardMode mode{model.adapters_active(settings.use_adapters), false, 0};
  std::optional<InferenceLora> inference_lora;
  if (mode.adapters) {
    inference_lora = model.lora->for_inference(model.compute_dtype);
    mode.inference_lora = &*inference_lora;
  }
  int64_t prompt_count = prompts.size(0), prompt_width = prompts.size(1);
  int64_t samples = settings.num_samples, rows = prompt_count * samples;
  HeldDenseWeights held(model, rows);
  bool fused = uses_fused_decode(model);
  // Fused: the prompt cache holds the prompts only; the plain path's holds each row's generated tokens after them.
  int64_t capacity = fused ? prompt_width : prompt_width + settings.max_new_tokens;
  at::TensorOptions on_device = at::TensorOptions(model.device);
  at::TensorOptions index_options = on_device.dtype(at::kLong);

  // Zero-filled: unwritten slots are masked out, and a masked zero cannot turn into NaN.
  KvCache cache;
  for (int64_t layer = 0; layer < config.num_layers; ++layer) {
    cache.keys.push_back(at::zeros({prompt_count, config.num_kv_heads, capacity, config.head_dim},
                                   on_device.dtype(model.compute_dtype)));
    cache.values.push_back(at::zeros_like(cache.keys.back()));
  }

  // Prefill. Prompts that open with the same tokens (a served database's schema, a shared instruction)
  // compute that prefix once, for row 0, and copy its K/V to the other rows; every row then prefills only
  // the rest of its (right-padded) prompt, from the first position the prompts do not all share. Row b's
  // next-token logits sit at prompt_lens[b] - 1.
  int64_t shared = prompt_count > 1 ? shared_prefix_length(prompts, prompt_lens) : 0;
  if (shared < kMinSharedPrefix) shared = 0;
  if (shared > 0) {
    KvCache first_row;
    for (int64_t layer = 0; layer < config.num_layers; ++layer) {
      first_row.keys.push_back(cache.keys[layer].narrow(0, 0, 1));
      first_row.values.push_back(cache.values[layer].narrow(0, 0, 1));
    }
    at::Tensor prefix_positions = at::arange(shared, index_options).unsqueeze(0);
    Positions positions = cached_positions(model, prefix_positions, shared);
    positions.causal = config.sliding_window == 0;  // queries 0..shared-1 over keys 0..shared-1
    at::Tensor h = embed(model, prompts.narrow(0, 0, 1).narrow(1, 0, shared));
    for (int64_t layer = 0; layer < config.num_layers; ++layer) {
      h = decoder_layer(model, layer, h, positions, mode, &first_row, prefix_positions, shared);
    }
    for (int64_t layer = 0; layer < config.num_layers; ++layer) {
      for (at::Tensor* kv : {&cache.keys[layer], &cache.values[layer]}) {
        kv->narrow(0, 1, prompt_count - 1).narrow(2, 0, shared).copy_(kv->narrow(0, 0, 1).narrow(2, 0, shared));
      }
    }
  }
  int64_t rest = prompt_width - shared;
  at::Tensor prefill_positions =
      at::arange(shared, prompt_width, index_options).unsqueeze(0).expand({prompt_count, rest});
  Positions positions = cached_positions(model, prefill_positions, prompt_width);
  positions.causal = shared == 0 && config.sliding_window == 0;  // then queries 0..W-1 over keys 0..W-1
  at::Tensor x = embed(model, prompts.narrow(1, shared, rest));
  for (int64_t layer = 0; layer < config.num_layers; ++layer) {
    x = decoder_layer(model, layer, x, positions, mode, &cache, prefill_positions, prompt_width);
  }
  at::Tensor prompt_lengths = at::tensor(prompt_lens, at::kLong).to(index_options);
  at::Tensor last = x.index({at::arange(prompt_count, index_options), prompt_lengths - 1 - shared});
  at::Tensor logits = vocab_logits(model, final_rms_norm(model, last));

  // The samples of a prompt share its prefill. The plain path expands the cache to every sample (a copy each).
  at::Tensor prompt_lengths_per_prompt = prompt_lengths;
  if (samples > 1) {
    for (int64_t layer = 0; layer < config.num_layers && !fused; ++layer) {
      cache.keys[layer] = cache.keys[layer].repeat_interleave(samples, 0);
      cache.values[layer] = cache.values[layer].repeat_interleave(samples, 0);
    }
    logits = logits.repeat_interleave(samples, 0);
    prompt_lengths = prompt_lengths.repeat_interleave(samples, 0);
  }

  at::Generator generator = seeded_generator(model.device, settings.seed);
  at::Tensor row_seeds;
  if (!settings.prompt_seeds.empty()) {
    std::vector<int64_t> keys;
    for (int64_t p = 0; p < prompt_count; ++p) {
      for (int64_t s = 0; s < samples; ++s) {
        keys.push_back(static_cast<int64_t>(row_sampling_seed(settings.prompt_seeds[p], s)));
      }
    }
    row_seeds = at::tensor(keys, at::kLong).to(index_options);
  }
  at::Tensor stop_ids = at::tensor(settings.stop_ids.empty() ? std::vector<int64_t>{-1} : settings.stop_ids, at::kLong)
                            .to(index_options);
  at::Tensor out_tokens = at::zeros({rows, settings.max_new_tokens}, index_options);
  at::Tensor out_logprobs = at::zeros({rows, settings.max_new_tokens}, on_device.dtype(at::kFloat));
  at::Tensor lengths = at::zeros({rows}, index_options);
  at::Tensor finished = at::zeros({rows}, on_device.dtype(at::kBool));

  // The decode step's fixed inputs: each row's latest token and its position prompt_len + step.
  at::Tensor step_tokens = at::zeros({rows}, index_options);
  at::Tensor step_positions = at::zeros({rows, 1}, index_options);
  std::optional<FusedDecodeStep> fused_step;
  if (fused) {
    fused_step.emplace(model, mode.inference_lora, cache, prompt_lengths_per_prompt, samples, step_tokens,
                       step_positions, std::max<int64_t>(settings.max_new_tokens - 1, 1));
  }
  DecodeRunner decode(
      [&] {
        if (fused_step) return fused_step->run();
        Positions decode_positions = cached_positions(model, step_positions, capacity);
        at::Tensor h = embed(model, step_tokens.unsqueeze(1));
        for (int64_t layer = 0; layer < config.num_layers; ++layer) {
          h = decoder_layer(model, layer, h, decode_positions, mode, &cache, step_positions, capacity);
        }
        return vocab_logits(model, final_rms_norm(model, h.squeeze(1)));
      },
      model.cuda_graphs && model.device.is_cuda());

  int64_t stop_check_interval = model.device.is_cuda() ? kCudaStopCheckInterval : 1;
  for (int64_t step = 0; step < settings.max_new_tokens; ++step) {
    Draw next = draw(logits, settings, generator, row_seeds, step);
    // Told to the step callback (a server streaming tokens as they come): -1 for rows already finished.
    at::Tensor reported = settings.step_callback != nullptr ? next.tokens.masked_fill(finished, -1) : at::Tensor();
    at::Tensor active = finished.logical_not();
    out_tokens.select(1, step).copy_(next.tokens.masked_fill(finished, 0));
    out_logprobs.select(1, step).copy_(next.logprobs.masked_fill(finished, 0));
    lengths += active.to(at::kLong);
    finished = finished.logical_or(at::isin(next.tokens, stop_ids));
    if (reported.defined()) {
      at::Tensor host = reported.to(at::kCPU, at::kInt).contiguous();
      if (settings.step_callback(settings.step_context, static_cast<int32_t>(step), host.data_ptr<int32_t>(),
                              static_cast<int32_t>(rows)) != 0) {
        break;  // the caller ends the generation here: the outputs hold the steps so far
      }
    }
    if (step + 1 == settings.max_new_tokens) break;
    // Never without stop ids; steps past the last stop are masked out, so the outputs are the same either way.
    bool check_stops = !settings.stop_ids.empty() && (step + 1) % stop_check_interval == 0;
    if (check_stops && finished.all().item<bool>()) break;

    // Decode: each row's new token sits at its own position prompt_len + step; finished rows run
    // along (their outputs are no longer recorded).
    step_tokens.copy_(next.tokens);
    step_positions.copy_((prompt_lengths + step).unsqueeze(1));
    logits = decode.run();
  }

  Generation generation;
  generation.tokens = out_tokens.to(at::kCPU, at::kInt);
  generation.logprobs = out_logprobs.to(at::kCPU);
  generation.lengths = lengths.to(at::kCPU, at::kInt);
  return generation;
}

}  // namespace sqlrl
