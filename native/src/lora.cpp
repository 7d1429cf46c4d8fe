#include "lora.h"

#include <c10/core/GradMode.h>

#include <ATen/CPUGeneratorImpl.h>

#include "api_guard.h"

#include <cmath>

namespace sqlrl {

namespace {
// Phi-3's fused modules: the projections each one covers, in the order of the fused output's rows.
struct FusedGroup {
  const char* path;
  std::vector<int> members;
};
const std::array<FusedGroup, 2>& fused_groups() {
  static const std::array<FusedGroup, 2> groups = {FusedGroup{"self_attn.qkv_proj", {kQ, kK, kV}},
                                                   FusedGroup{"mlp.gate_up_proj", {kGate, kUp}}};
  return groups;
}
int group_of(int projection) { return projection == kGate || projection == kUp ? 1 : 0; }
}  // namespace

LoraAdapters::LoraAdapters(const ModelConfig& config, const LoraSettings& settings, const at::Device& device)
    : settings_(settings), scale_(settings.alpha / settings.rank) {
  // Values are drawn on the host from one seeded generator, layer by layer and projection by
  // projection, so the same seed gives the same adapters on every device.
  at::Generator generator = at::detail::createCPUGenerator(settings.seed);
  // What gets one adapter: a plain projection, or (Phi-3) a fused group; paths and row splits.
  struct Module {
    std::string path;
    std::vector<int> members;
  };
  std::vector<Module> modules;
  bool fused = config.arch == SQLRL_ARCH_PHI3;
  for (int p = 0; p < kProjectionCount; ++p) {
    bool targeted = settings.target_mask & (1 << p);
    bool in_group = fused && (p == kQ || p == kK || p == kV || p == kGate || p == kUp);
    if (!in_group) {
      if (targeted) modules.push_back({projection_path(p), {p}});
      row_count_[p] = config.projection_shape(p)[0];
      continue;
    }
    const FusedGroup& group = fused_groups()[group_of(p)];
    if (p != group.members.front()) continue;
    int targeted_members = 0;
    int64_t offset = 0;
    for (int member : group.members) {
      targeted_members += (settings.target_mask >> member) & 1;
      fused_[member] = true;
      row_offset_[member] = offset;
      row_count_[member] = config.projection_shape(member)[0];
      offset += row_count_[member];
    }
    check_arg(targeted_members == 0 || targeted_members == static_cast<int>(group.members.size()),
              std::string("phi3 adapts ") + group.path + " as one module: target all of its projections or none");
    if (targeted_members > 0) modules.push_back({group.path, group.members});
  }
  first_tensor_.assign(config.num_layers, {});
  for (int64_t layer = 0; layer < config.num_layers; ++layer) {
    first_tensor_[layer].fill(-1);
    for (const Module& module : modules) {
      int64_t out_features = 0;
      for (int member : module.members) out_features += config.projection_shape(member)[0];
      int64_t in_features = config.projection_shape(module.members.front())[1];
      // kaiming_uniform_(a = sqrt(5)): gain sqrt(2 / (1 + 5)), bound = gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in).
      double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
      at::Tensor a = at::empty({settings.rank, in_features}, at::kFloat).uniform_(-bound, bound, generator);
      at::Tensor b = at::zeros({out_features, settings.rank}, at::kFloat);
      std::string base = layer_weight_name(layer, module.path);
      for (int member : module.members) first_tensor_[layer][member] = static_cast<int>(tensors_.size());
      for (auto& [suffix, init] : {std::pair<const char*, at::Tensor>{".lora_A.weight", a}, {".lora_B.weight", b}}) {
        LoraTensor tensor;
        tensor.name = base + suffix;
        tensor.value = init.to(device, settings.dtype).set_requires_grad(true);
        tensor.value.mutable_grad() = at::zeros_like(tensor.value);
        tensor.adam_m = at::zeros(init.sizes(), at::TensorOptions(device).dtype(at::kFloat));
        tensor.adam_v = at::zeros(init.sizes(), at::TensorOptions(device).dtype(at::kFloat));
        tensors_.push_back(std::move(tensor));
      }
    }
  }
}

at::Generator* LoraAdapters::dropout_generator_for(int projection, at::Generator* dropout_generator,
                                                   std::optional<at::Generator>& replayed) const {
  if (!fused_[projection]) return dropout_generator;
  DropoutReplay& replay = replay_[group_of(projection)];
  if (replay.remaining > 0 && replay.source == dropout_generator) {
    --replay.remaining;
    replayed = replay.state.clone();
    return &*replayed;
  }
  replay.source = dropout_generator;
  replay.state = dropout_generator->clone();
  replay.remaining = static_cast<int>(fused_groups()[group_of(projection)].members.size()) - 1;
  return dropout_generator;
}

at::Tensor LoraAdapters::delta(int64_t layer, int projection, const at::Tensor& x,
                               at::Generator* dropout_generator) const {
  int index = first_tensor_[layer][projection];
  if (index < 0) return {};
  at::Tensor input = x;
  if (dropout_generator != nullptr && settings_.dropout > 0) {
    double keep = 1.0 - settings_.dropout;
    std::optional<at::Generator> replayed;
    at::Tensor mask = at::empty_like(x).bernoulli_(keep, *dropout_generator_for(projection, dropout_generator, replayed));
    input = x * mask / keep;
  }
  const at::Tensor& a = tensors_[index].value;
  at::Tensor b = tensors_[index + 1].value;
  if (fused_[projection]) b = b.narrow(0, row_offset_[projection], row_count_[projection]);
  at::Tensor low_rank = at::linear(input, a.to(x.scalar_type()));
  return at::linear(low_rank, b.to(x.scalar_type())) * scale_;
}

InferenceLora LoraAdapters::for_inference(at::ScalarType dtype) const {
  c10::NoGradGuard no_grad;
  InferenceLora out;
  out.a.resize(first_tensor_.size());
  out.b.resize(first_tensor_.size());
  for (size_t layer = 0; layer < first_tensor_.size(); ++layer) {
    for (int p = 0; p < kProjectionCount; ++p) {
      int index = first_tensor_[layer][p];
      if (index < 0) continue;
      at::Tensor b = tensors_[index + 1].value;
      if (fused_[p]) b = b.narrow(0, row_offset_[p], row_count_[p]);
      out.a[layer][p] = tensors_[index].value.to(dtype).contiguous();
      out.b[layer][p] = (b * scale_).to(dtype).contiguous();
    }
  }
  return out;
}

at::Tensor InferenceLora::delta(int64_t layer, int projection, const at::Tensor& x) const {
  const at::Tensor& a_p = a[layer][projection];
  if (!a_p.defined()) return {};
  return at::linear(at::linear(x, a_p), b[layer][projection]);
}

int64_t LoraAdapters::bytes() const {
  int64_t total = 0;
  for (const LoraTensor& t : tensors_) {
    int64_t values = t.value.numel();
    total += values * static_cast<int64_t>(t.value.element_size()) * 2;  // value + grad
    total += values * 4 * 2;                                             // fp32 moments
  }
  return total;
}

}  // namespace sqlrl
