// LoRA adapters on the decoder linears: y += (alpha / r) * B(A(dropout(x))), with their AdamW state.
// Phi-3 adapts its fused projections (qkv_proj, gate_up_proj) as PEFT does: one A and one B for the fused
// output, whose rows are split here into the q/k/v (gate/up) parts the model computes separately.
#pragma once
#include <ATen/ATen.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "model_config.h"

namespace sqlrl {

struct LoraTensor {
  std::string name;    // "model.layers.0.self_attn.q_proj.lora_A.weight"
  at::Tensor value;    // trainable leaf; its .grad() holds the accumulated gradient
  at::Tensor adam_m;   // fp32, same shape
  at::Tensor adam_v;   // fp32, same shape
};

struct LoraSettings {
  int32_t rank = 0;
  double alpha = 0;
  int32_t target_mask = 0;
  double dropout = 0;
  at::ScalarType dtype = at::kFloat;
  uint64_t seed = 0;
};

// The adapters as one generate call uses them (no dropout, no gradient): A and scale * B (B's rows of the
// projection when fused) cast once to the compute dtype, so that a decode step runs two matmuls per adapted
// projection and no casts. Equal to LoraAdapters::delta up to the rounding of scale * B.
struct InferenceLora {
  std::vector<std::array<at::Tensor, kProjectionCount>> a;  // per layer and projection; undefined: not adapted
  std::vector<std::array<at::Tensor, kProjectionCount>> b;

  at::Tensor delta(int64_t layer, int projection, const at::Tensor& x) const;
};

class LoraAdapters {
 public:
  // Creates A (Kaiming-uniform, a = sqrt(5), from settings.seed) and B (zeros) for every targeted
  // projection (or fused group of projections) of every layer, on device. Throws InvalidArgument when a
  // fused group is targeted only in part.
  LoraAdapters(const ModelConfig& config, const LoraSettings& settings, const at::Device& device);

  // The adapter's contribution to projection p of layer, or an undefined tensor if p is not adapted.
  // dropout_generator non-null: apply dropout (training graphs only).
  at::Tensor delta(int64_t layer, int projection, const at::Tensor& x, at::Generator* dropout_generator) const;

  // A snapshot of the current values for inference in `dtype` (see InferenceLora).
  InferenceLora for_inference(at::ScalarType dtype) const;

  std::vector<LoraTensor>& tensors() { return tensors_; }
  const std::vector<LoraTensor>& tensors() const { return tensors_; }
  const LoraSettings& settings() const { return settings_; }
  int64_t bytes() const;  // values, gradients and moments

 private:
  LoraSettings settings_;
  double scale_ = 0;
  std::vector<LoraTensor> tensors_;
  // Per layer and projection: index of its A in tensors_ (B follows), or -1.
  std::vector<std::array<int, kProjectionCount>> first_tensor_;
  // Per projection: the first row of its part of the (fused) B, its row count, and whether it is fused.
  std::array<int64_t, kProjectionCount> row_offset_{};
  std::array<int64_t, kProjectionCount> row_count_{};
  std::array<bool, kProjectionCount> fused_{};

  // Dropout on a fused module draws one mask for its input, as PEFT does: the first member of a group to
  // run in a layer saves the generator's state, the others draw the same mask again from a copy of it.
  struct DropoutReplay {
    const at::Generator* source = nullptr;
    at::Generator state;
    int remaining = 0;
  };
  mutable std::array<DropoutReplay, 2> replay_;  // qkv, gate_up
  at::Generator* dropout_generator_for(int projection, at::Generator* dropout_generator,
                                       std::optional<at::Generator>& replayed) const;
};

}  // namespace sqlrl
