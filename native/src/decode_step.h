// One decode step of every row as few operators as it can be (decode_ops for the norms, RoPE, attention and
// the SwiGLU gate; GEMMs straight into preallocated buffers; each layer's adapters as one low-rank GEMM per
// shared input plus one accumulating GEMM per projection). The samples of a prompt read the prompt's K/V
// from one prompt cache; only their generated tokens' K/V are kept per row. Every buffer is made once per
// generate call, so the step has fixed shapes and addresses: a CUDA graph can record it (DecodeRunner).
#pragma once
#include <ATen/ATen.h>

#include <array>
#include <vector>

#include "decode_ops.h"
#include "model.h"

namespace sqlrl {

class FusedDecodeStep {
 public:
  // prompt_cache: the prefilled K/V [prompts, kv_heads, prompt_capacity, head_dim] per layer. step_tokens
  // (int64 [rows]) and step_positions (int64 [rows]) are read at each run(): the caller writes them between
  // steps. lora: the adapters cast for this call, or null (none). generated_capacity: slots per row for the
  // generated tokens' K/V.
  FusedDecodeStep(const Model& model, const InferenceLora* lora, const KvCache& prompt_cache,
                  const at::Tensor& prompt_lengths, int64_t samples_per_prompt, const at::Tensor& step_tokens,
                  const at::Tensor& step_positions, int64_t generated_capacity);

  // fp32 logits [rows, vocab] of each row's next token; the same tensor every call (overwritten by the next).
  at::Tensor run();

 private:
  // One projection: out = x @ W^T (+ bias) (+ u @ B^T, u the adapters' low-rank activations of x).
  struct Projection {
    const FrozenLinear* linear = nullptr;
    at::Tensor bias;
    at::Tensor weight_t;  // [in, out] view of a dense weight in the compute dtype; undefined: linear->apply
    at::Tensor low_rank;  // [rows, r] view of the group's low-rank buffer; undefined: not adapted
    at::Tensor b_t;       // [r, out], the scale folded in
  };
  // Projections that read the same input (q, k, v; gate, up): one GEMM gives all their low-rank activations.
  struct Group {
    std::vector<int> projections;
    at::Tensor a_t;       // [in, sum of ranks]; undefined: no projection of the group adapted
    at::Tensor low_rank;  // [rows, sum of ranks]
  };

  void project(int64_t layer, Group& group, const at::Tensor& x);

  const Model& model_;
  decode_ops::DecodeRows rows_;
  at::Tensor step_tokens_;
  const KvCache& prompt_cache_;
  KvCache generated_;
  std::vector<std::array<Projection, kProjectionCount>> projections_;
  std::vector<std::array<Group, 4>> groups_;  // per layer: qkv, o, gate/up, down
  std::array<at::Tensor, kProjectionCount> outputs_;  // shared by the layers
  at::Tensor residual_, normed_, attended_, activated_, logits_, logits_f32_, lm_head_t_;
};

}  // namespace sqlrl
