#include "decode_step.h"

namespace sqlrl {

namespace {
constexpr int kQkv = 0, kOut = 1, kGateUp = 2, kDownGroup = 3;
}

FusedDecodeStep::FusedDecodeStep(const Model& model, const InferenceLora* lora, const KvCache& prompt_cache,
                                 const at::Tensor& prompt_lengths, int64_t samples_per_prompt,
                                 const at::Tensor& step_tokens, const at::Tensor& step_positions,
                                 int64_t generated_capacity)
    : model_(model), step_tokens_(step_tokens), prompt_cache_(prompt_cache) {
  const ModelConfig& config = model.config;
  int64_t rows = step_tokens.size(0);
  rows_.positions = step_positions.view({rows});
  rows_.prompt_lengths = prompt_lengths;
  rows_.samples_per_prompt = samples_per_prompt;
  rows_.sliding_window = config.sliding_window;

  at::TensorOptions values = at::TensorOptions(model.device).dtype(model.compute_dtype);
  for (int64_t layer = 0; layer < config.num_layers; ++layer) {
    // Unwritten slots are never read (each row attends only the slots it wrote): no need to clear them.
    generated_.keys.push_back(at::empty({rows, config.num_kv_heads, generated_capacity, config.head_dim}, values));
    generated_.values.push_back(at::empty_like(generated_.keys.back()));
  }
  residual_ = at::empty({rows, config.hidden_size}, values);
  normed_ = at::empty_like(residual_);
  attended_ = at::empty({rows, config.num_heads * config.head_dim}, values);
  activated_ = at::empty({rows, config.intermediate_size}, values);

  const std::array<std::vector<int>, 4> group_members{
      std::vector<int>{kQ, kK, kV}, std::vector<int>{kO}, std::vector<int>{kGate, kUp}, std::vector<int>{kDown}};
  for (int p = 0; p < kProjectionCount; ++p) {
    outputs_[p] = at::empty({rows, model.layers[0].projections[p].out_features()}, values);
  }
  for (int64_t layer = 0; layer < config.num_layers; ++layer) {
    const DecoderLayerWeights& weights = model.layers[layer];
    std::array<Projection, kProjectionCount>& plans = projections_.emplace_back();
    std::array<Group, 4>& groups = groups_.emplace_back();
    for (int p = 0; p < kProjectionCount; ++p) {
      plans[p].linear = &weights.projections[p];
      plans[p].bias = weights.biases[p];
      at::Tensor dense = weights.projections[p].stored_dense();
      if (dense.defined()) plans[p].weight_t = dense.t();
    }
    for (int g = 0; g < 4; ++g) {
      groups[g].projections = group_members[g];
      if (lora == nullptr) continue;
      std::vector<at::Tensor> a_parts;
      for (int p : group_members[g]) {
        if (lora->a[layer][p].defined()) a_parts.push_back(lora->a[layer][p]);
      }
      if (a_parts.empty()) continue;
      groups[g].a_t = at::cat(a_parts, 0).t();
      groups[g].low_rank = at::empty({rows, groups[g].a_t.size(1)}, values);
      int64_t offset = 0;
      for (int p : group_members[g]) {
        const at::Tensor& a = lora->a[layer][p];
        if (!a.defined()) continue;
        plans[p].low_rank = groups[g].low_rank.narrow(1, offset, a.size(0));
        plans[p].b_t = lora->b[layer][p].t();
        offset += a.size(0);
      }
    }
  }
  lm_head_t_ = model.lm_head.t();
  logits_ = at::empty({rows, model.lm_head.size(0)}, values);
  logits_f32_ = model.compute_dtype == at::kFloat ? logits_ : at::empty_like(logits_, values.dtype(at::kFloat));
}

void FusedDecodeStep::project(int64_t layer, Group& group, const at::Tensor& x) {
  if (group.a_t.defined()) at::mm_out(group.low_rank, x, group.a_t);
  for (int p : group.projections) {
    const Projection& plan = projections_[layer][p];
    at::Tensor& out = outputs_[p];
    if (plan.weight_t.defined()) {
      if (plan.bias.defined()) {
        at::addmm_out(out, plan.bias, x, plan.weight_t);
      } else {
        at::mm_out(out, x, plan.weight_t);
      }
    } else {
      // NF4 kept quantized: the fused GEMV, the tensor-core GEMM (when chosen) or dequantize + GEMM
      out.copy_(plan.linear->apply(x, plan.bias, model_.tensor_core_gemm));
    }
    if (plan.low_rank.defined()) out.addmm_(plan.low_rank, plan.b_t);
  }
}

at::Tensor FusedDecodeStep::run() {
  const ModelConfig& config = model_.config;
  double eps = config.rms_norm_eps;
  at::index_select_out(residual_, model_.embed_tokens, 0, step_tokens_);
  decode_ops::rms_norm(residual_, model_.layers[0].input_norm, eps, normed_);
  for (int64_t layer = 0; layer < config.num_layers; ++layer) {
    const DecoderLayerWeights& weights = model_.layers[layer];
    std::array<Group, 4>& groups = groups_[layer];
    project(layer, groups[kQkv], normed_);
    decode_ops::rope_and_store(outputs_[kQ], outputs_[kK], outputs_[kV], rows_, model_.rope_inv_freq, weights.q_norm,
                               weights.k_norm, eps, generated_.keys[layer], generated_.values[layer]);
    decode_ops::shared_prompt_attention(outputs_[kQ], prompt_cache_.keys[layer], prompt_cache_.values[layer],
                                        generated_.keys[layer], generated_.values[layer], rows_, attended_);
    project(layer, groups[kOut], attended_);
    decode_ops::add_rms_norm(residual_, outputs_[kO], weights.post_attention_norm, eps, normed_);
    project(layer, groups[kGateUp], normed_);
    decode_ops::silu_mul(outputs_[kGate], outputs_[kUp], activated_);
    project(layer, groups[kDownGroup], activated_);
    // The residual add closes the layer; the norm that follows it is the next layer's input norm (or the final).
    const at::Tensor& next_norm = layer + 1 < config.num_layers ? model_.layers[layer + 1].input_norm : model_.final_norm;
    decode_ops::add_rms_norm(residual_, outputs_[kDown], next_norm, eps, normed_);
  }
  at::mm_out(logits_, normed_, lm_head_t_);
  if (!logits_f32_.is_same(logits_)) logits_f32_.copy_(logits_);
  return logits_f32_;
}

}  // namespace sqlrl
