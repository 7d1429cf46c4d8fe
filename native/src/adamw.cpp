// AdamW as torch.optim.AdamW computes it, after global-norm clipping as torch.nn.utils.clip_grad_norm_.
#include <cmath>

#include "model.h"
#include "torch_compat.h"

namespace sqlrl {

double adamw_step(LoraAdapters& lora, const AdamWSettings& s) {
  c10::NoGradGuard no_grad;
  std::vector<LoraTensor>& tensors = lora.tensors();
  if (tensors.empty()) return 0.0;
  // The global L2 norm: the norm of the per-tensor norms, in fp32.
  std::vector<at::Tensor> norms;
  for (LoraTensor& t : tensors) norms.push_back(t.value.grad().to(at::kFloat).norm());
  double norm = at::stack(norms).norm().item<double>();
  if (!std::isfinite(norm)) return norm;
  double clip = 1.0;
  if (s.max_grad_norm > 0) {
    double coef = s.max_grad_norm / (norm + 1e-6);
    if (coef < 1.0) clip = coef;
  }
  double bias_correction1 = 1.0 - std::pow(s.beta1, static_cast<double>(s.step));
  double bias_correction2 = 1.0 - std::pow(s.beta2, static_cast<double>(s.step));
  double step_size = s.lr / bias_correction1;
  double bias_correction2_sqrt = std::sqrt(bias_correction2);
  for (LoraTensor& t : tensors) {
    if (clip < 1.0) t.value.mutable_grad().mul_(clip);  // in place, as clip_grad_norm_ leaves it
    at::Tensor grad = t.value.grad().to(at::kFloat);
    // Updated in fp32 and written back, so a bf16 adapter keeps fp32 moments and update math.
    at::Tensor param = t.value.detach().to(at::kFloat);
    param.mul_(1.0 - s.lr * s.weight_decay);
    t.adam_m.mul_(s.beta1).add_(grad, 1.0 - s.beta1);
    t.adam_v.mul_(s.beta2).addcmul_(grad, grad, 1.0 - s.beta2);
    at::Tensor denom = (t.adam_v.sqrt() / bias_correction2_sqrt).add_(s.eps);
    param.addcdiv_(t.adam_m, denom, -step_size);
    t.value.detach().copy_(param);
  }
  return norm;
}

void zero_grad(LoraAdapters& lora) {
  c10::NoGradGuard no_grad;
  for (LoraTensor& tensor : lora.tensors()) tensor.value.mutable_grad().zero_();
}

}  // namespace sqlrl
