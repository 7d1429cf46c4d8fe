#include "lora.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

namespace sqlrl {

LoraAdapters::LoraAdapters(const ModelConfig& config, const LoraSettings& settings, const at::Device& device)
    : settings_(settings), scale_(settings.alpha / settings.rank) {
  // Values are drawn on the host from one seeded generator, layer by layer and projection by
  // projection, so the same seed gives the same adapters on every device.
  at::Generator generator = at::detail::createCPUGenerator(settings.seed);
  first_tensor_.assign(config.num_layers, {});
  for (int64_t layer = 0; layer < config.num_layers; ++layer) {
    for (int p = 0; p < kProjectionCount; ++p) {
      first_tensor_[layer][p] = -1;
      if (!(settings.target_mask & (1 << p))) continue;
      std::vector<int64_t> shape = config.projection_shape(p);
      int64_t out_features = shape[0], in_features = shape[1];
      // kaiming_uniform_(a = sqrt(5)): gain sqrt(2 / (1 + 5)), bound = gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in).
      double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
      at::Tensor a = at::empty({settings.rank, in_features}, at::kFloat).uniform_(-bound, bound, generator);
      at::Tensor b = at::zeros({out_features, settings.rank}, at::kFloat);
      std::string base = layer_weight_name(layer, projection_path(p));
      first_tensor_[layer][p] = static_cast<int>(tensors_.size());
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

at::Tensor LoraAdapters::delta(int64_t layer, int projection, const at::Tensor& x,
                               at::Generator* dropout_generator) const {
  int index = first_tensor_[layer][projection];
  if (index < 0) return {};
  at::Tensor input = x;
  if (dropout_generator != nullptr && settings_.dropout > 0) {
    double keep = 1.0 - settings_.dropout;
    at::Tensor mask = at::empty_like(x).bernoulli_(keep, *dropout_generator);
    input = x * mask / keep;
  }
  const at::Tensor& a = tensors_[index].value;
  const at::Tensor& b = tensors_[index + 1].value;
  at::Tensor low_rank = at::linear(input, a.to(x.scalar_type()));
  return at::linear(low_rank, b.to(x.scalar_type())) * scale_;
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
