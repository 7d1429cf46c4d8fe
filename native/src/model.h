// A decoder-only transformer (Qwen2 / Llama / Qwen3 / Phi-3) with frozen base weights and optional LoRA adapters.
#pragma once
#include <ATen/ATen.h>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frozen_linear.h"
#include "lora.h"
#include "model_config.h"

namespace sqlrl {

struct DecoderLayerWeights {
  at::Tensor input_norm;  // fp32 [hidden]
  at::Tensor post_attention_norm;
  std::array<FrozenLinear, kProjectionCount> projections;
  std::array<at::Tensor, kProjectionCount> biases;  // defined for Qwen2's q, k, v only
  at::Tensor q_norm;  // Qwen3 only: fp32 [head_dim]
  at::Tensor k_norm;
};

// A decoder linear uploaded already quantized (bitsandbytes 4-bit layout, NF4 code book).
struct StagedNf4 {
  at::Tensor codes;   // uint8 [out * in / 2]
  at::Tensor absmax;  // fp32 [out * in / block]
  std::vector<int64_t> shape;
};

// What sqlrl_logprobs(keep_graph = 1) leaves for sqlrl_backward.
struct PendingGraph {
  at::Tensor row_batch;     // [N] int64: padded-batch row of each completion token's predicting position
  at::Tensor row_position;  // [N] int64: that position (the token's own position - 1)
  at::Tensor targets;       // [N] int64: the completion tokens
  double temperature = 1.0;
  bool checkpointed = false;
  bool dropout = false;
  uint64_t dropout_seed = 0;
  uint64_t adapters_generation = 0;      // Model::adapters_generation when it was made
  std::vector<at::Tensor> layer_inputs;  // checkpointed: each decoder layer's input, detached
  at::Tensor last_hidden;               // the last decoder layer's output (with its graph when not checkpointed)
  int64_t batch = 0;
  int64_t length = 0;
};

struct Model {
  ModelConfig config;
  at::Device device = at::kCPU;
  at::ScalarType compute_dtype = at::kFloat;

  // Before finalize: uploaded tensors, on the host, in the dtype they came in.
  std::map<std::string, at::Tensor> staged;
  std::map<std::string, StagedNf4> staged_nf4;  // sqlrl_model_set_nf4_weight
  bool finalized = false;
  bool double_quant = false;

  at::Tensor embed_tokens;  // [vocab, hidden], compute dtype
  at::Tensor lm_head;       // [vocab, hidden]; the same tensor as embed_tokens when tied
  at::Tensor final_norm;    // fp32 [hidden]
  std::vector<DecoderLayerWeights> layers;
  at::Tensor rope_inv_freq;  // fp32 [head_dim / 2]

  std::optional<LoraAdapters> lora;
  bool lora_enabled = true;
  // Advanced by each sqlrl_lora_attach, so that a session's pending graph over replaced adapters is refused.
  uint64_t adapters_generation = 0;

  bool checkpointing = true;
  int32_t dense_sampling = 0;  // SQLRL_DENSE_SAMPLING_*, sqlrl_model_set_dense_sampling
  bool cuda_graphs = false;     // sqlrl_model_set_cuda_graphs
  int32_t decode_step = 0;      // SQLRL_DECODE_STEP_*, sqlrl_model_set_decode_step
  bool tensor_core_gemm = false;  // sqlrl_model_set_tensor_core_gemm
  int64_t logprob_chunk = 256;

  bool adapters_active(bool requested) const { return requested && lora.has_value() && lora_enabled; }
};

// sqlrl_session_set_step_callback: told each step's tokens during generate; nonzero ends the generation.
using StepCallback = int32_t (*)(void* context, int32_t step, const int32_t* tokens, int32_t rows);

// What one user of a model carries from call to call (sqlrl_session): kept apart from the model, which a trainer,
// an evaluator and a server may share. Holds its model alive.
struct Session {
  std::shared_ptr<Model> model;
  std::unique_ptr<PendingGraph> pending;  // between sqlrl_logprobs(keep_graph) and sqlrl_backward
  uint64_t next_dropout_seed = 0x5eed;
  StepCallback step_callback = nullptr;
  void* step_context = nullptr;
};

// ---- weights (model_weights.cpp) ----
void stage_weight(Model& model, const std::string& name, const void* data, int32_t dtype, const int64_t* shape,
                  int32_t ndim);
// A decoder linear's weight as bitsandbytes stores it (see sqlrl_model_set_nf4_weight).
void stage_nf4_weight(Model& model, const std::string& name, const uint8_t* codes, const float* absmax,
                      const float* code_book, int32_t block, const int64_t* shape, int32_t ndim);
void finalize_model(Model& model);
// Benchmarks of named shapes: every weight random, made on the model's device (nothing uploaded).
void finalize_random(Model& model, uint64_t seed);
int64_t weight_bytes(const Model& model);

// ---- the transformer blocks (transformer.cpp) ----

// Per-layer K/V of the sequences being generated: [batch, kv_heads, capacity, head_dim].
struct KvCache {
  std::vector<at::Tensor> keys;
  std::vector<at::Tensor> values;
};

// How one forward pass runs: with or without adapters, with dropout drawn from a generator seeded
// per layer (so a checkpointed layer's recomputation draws the same masks).
struct ForwardMode {
  bool adapters = false;
  bool dropout = false;
  uint64_t dropout_seed = 0;
  // Generation: the adapters pre-cast once per call (no dropout); null: model.lora as it stands.
  const InferenceLora* inference_lora = nullptr;
};

// Where the positions of one pass sit: positions [B, T] (RoPE), and allowed [B or 1, 1, T, keys]
// (true where a query may attend a key).
struct Positions {
  at::Tensor cos;  // [B, 1, T, head_dim], compute dtype
  at::Tensor sin;
  at::Tensor allowed;
  // allowed is the plain causal mask (T queries at 0..T-1 over T keys at 0..T-1, no window): attention may run
  // without it (compat::causal_attention), letting SDPA take its flash kernel.
  bool causal = false;
};

at::Tensor embed(const Model& model, const at::Tensor& tokens);
// Positions for a plain causal pass over T tokens starting at 0 in every row.
Positions causal_positions(const Model& model, int64_t length);
// Positions for a pass whose row b covers positions[b, :] and attends keys 0..positions[b, t].
Positions cached_positions(const Model& model, const at::Tensor& positions, int64_t key_count);
// One decoder layer. cache non-null: K/V are written at `cache_index` [B, T] and attention runs over
// the first key_count cached keys.
at::Tensor decoder_layer(const Model& model, int64_t layer, const at::Tensor& x, const Positions& positions,
                         const ForwardMode& mode, KvCache* cache = nullptr, const at::Tensor& cache_index = {},
                         int64_t key_count = 0);
at::Tensor final_rms_norm(const Model& model, const at::Tensor& x);
// fp32 logits of hidden rows [N, hidden] (after the final norm).
at::Tensor vocab_logits(const Model& model, const at::Tensor& rows);
// Runs every decoder layer then the final norm over a right-padded batch [B, T].
at::Tensor forward_hidden(const Model& model, const at::Tensor& tokens, const ForwardMode& mode);

// ---- log-probs and their backward (logprobs.cpp) ----
// keep_graph: the session's pending graph becomes this call's; dropout draws from its seed.
at::Tensor completion_logprobs(Session& session, const at::Tensor& tokens, const std::vector<int64_t>& seq_lens,
                               const std::vector<int64_t>& prompt_lens, bool use_adapters, double temperature,
                               bool keep_graph);
void backward_pending(Session& session, const at::Tensor& grad_logprobs);

// ---- generation (generate.cpp) ----
struct SamplingSettings {
  int64_t num_samples = 1;
  int64_t max_new_tokens = 0;
  bool greedy = true;
  double temperature = 1.0;
  int64_t top_k = 0;
  double top_p = 1.0;
  uint64_t seed = 0;
  std::vector<int64_t> stop_ids;
  bool use_adapters = true;
  StepCallback step_callback = nullptr;  // the session's (see Session)
  void* step_context = nullptr;
  // Per prompt, or empty: sample s of prompt p draws from its own stream (row_sampling_seed), not the call's.
  std::vector<uint64_t> prompt_seeds;
};

// Whether sqlrl_generate decodes with the fused step: model.decode_step, AUTO resolved for the model's device.
bool uses_fused_decode(const Model& model);
// The Philox key of sample `sample` of a prompt whose seed is prompt_seed (sqlrl_generate_params.prompt_seeds).
uint64_t row_sampling_seed(uint64_t prompt_seed, int64_t sample);
struct Generation {
  at::Tensor tokens;    // int32 [rows, max_new_tokens] (0 past a row's length)
  at::Tensor logprobs;  // fp32 [rows, max_new_tokens] (0 past a row's length)
  at::Tensor lengths;   // int32 [rows]
};
Generation generate(Model& model, const at::Tensor& prompts, const std::vector<int64_t>& prompt_lens,
                    const SamplingSettings& settings);

// ---- optimizer (adamw.cpp) ----
struct AdamWSettings {
  double lr = 0, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0, max_grad_norm = 0;
  int64_t step = 1;
};
// Returns the global gradient norm before clipping; a non-finite norm skips the update.
double adamw_step(LoraAdapters& lora, const AdamWSettings& settings);
void zero_grad(LoraAdapters& lora);

}  // namespace sqlrl

namespace sqlrl {
// A generator of the device's kind, seeded: the same seed gives the same draws.
at::Generator seeded_generator(const at::Device& device, uint64_t seed);
}  // namespace sqlrl
