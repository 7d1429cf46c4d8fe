// extern "C": LoRA adapters (attach, enable, inspect, read/write) and their optimizer.
#include <cmath>
#include <cstring>

#include "api_guard.h"
#include "api_inputs.h"
#include "torch_compat.h"

using namespace sqlrl;

static constexpr int32_t kAllTargets = SQLRL_LORA_Q | SQLRL_LORA_K | SQLRL_LORA_V | SQLRL_LORA_O | SQLRL_LORA_GATE |
                                       SQLRL_LORA_UP | SQLRL_LORA_DOWN;

static LoraTensor& lora_tensor(Model& model, int32_t index) {
  std::vector<LoraTensor>& tensors = adapters_of(model).tensors();
  check_arg(index >= 0 && index < static_cast<int32_t>(tensors.size()),
            "LoRA tensor index " + std::to_string(index) + " is outside [0, " + std::to_string(tensors.size()) + ")");
  return tensors[index];
}

// The buffer sqlrl_lora_read / sqlrl_lora_write address; the gradient is the value's .grad().
static at::Tensor lora_buffer(LoraTensor& tensor, int32_t which) {
  switch (which) {
    case SQLRL_LORA_VALUE: return tensor.value.detach();
    case SQLRL_LORA_GRAD: return tensor.value.mutable_grad();
    case SQLRL_LORA_ADAM_M: return tensor.adam_m;
    case SQLRL_LORA_ADAM_V: return tensor.adam_v;
    default:
      throw InvalidArgument("which must be SQLRL_LORA_VALUE (0), GRAD (1), ADAM_M (2) or ADAM_V (3), got " +
                            std::to_string(which));
  }
}

extern "C" int32_t sqlrl_lora_attach(sqlrl_model* model, int32_t rank, double alpha, int32_t target_mask, double dropout,
                                     int32_t dtype, uint64_t seed) {
  return guarded([&] {
    Model& m = ready_model_of(model);
    check_arg(rank > 0, "LoRA rank must be > 0, got " + std::to_string(rank));
    check_arg(std::isfinite(alpha) && alpha > 0, "LoRA alpha must be a finite number > 0, got " + std::to_string(alpha));
    check_arg(target_mask != 0, "LoRA target_mask is 0: choose at least one of SQLRL_LORA_Q .. SQLRL_LORA_DOWN");
    check_arg((target_mask & ~kAllTargets) == 0,
              "LoRA target_mask has unknown bits " + std::to_string(target_mask & ~kAllTargets) +
                  " (known: 1..64, SQLRL_LORA_Q .. SQLRL_LORA_DOWN)");
    check_arg(dropout >= 0 && dropout < 1, "LoRA dropout must be in [0, 1), got " + std::to_string(dropout));
    check_arg(dtype == SQLRL_DTYPE_F32 || dtype == SQLRL_DTYPE_BF16,
              "LoRA dtype must be SQLRL_DTYPE_F32 (0) or BF16 (1), got " + std::to_string(dtype));
    LoraSettings settings;
    settings.rank = rank;
    settings.alpha = alpha;
    settings.target_mask = target_mask;
    settings.dropout = dropout;
    settings.dtype = dtype == SQLRL_DTYPE_BF16 ? at::kBFloat16 : at::kFloat;
    settings.seed = seed;
    ++m.adapters_generation;  // sessions' pending graphs refer to the adapters being replaced
    m.lora.reset();
    m.lora.emplace(m.config, settings, m.device);
  });
}

extern "C" int32_t sqlrl_lora_set_enabled(sqlrl_model* model, int32_t enabled) {
  return guarded([&] { model_of(model).lora_enabled = enabled != 0; });
}

extern "C" int32_t sqlrl_lora_count(sqlrl_model* model, int32_t* out_count) {
  return guarded([&] {
    Model& m = model_of(model);
    check_not_null(out_count, "out_count");
    *out_count = m.lora ? static_cast<int32_t>(m.lora->tensors().size()) : 0;
  });
}

extern "C" int32_t sqlrl_lora_info(sqlrl_model* model, int32_t index, char* name_buf, int32_t buf_len, int64_t* shape) {
  return guarded([&] {
    LoraTensor& tensor = lora_tensor(model_of(model), index);
    check_not_null(name_buf, "name_buf");
    check_not_null(shape, "shape");
    check_arg(buf_len > static_cast<int32_t>(tensor.name.size()),
              "name_buf too small: " + std::to_string(buf_len) + " bytes for a name of " +
                  std::to_string(tensor.name.size()) + " characters plus NUL");
    std::memcpy(name_buf, tensor.name.c_str(), tensor.name.size() + 1);
    shape[0] = tensor.value.size(0);
    shape[1] = tensor.value.size(1);
  });
}

extern "C" int32_t sqlrl_lora_read(sqlrl_model* model, int32_t index, int32_t which, float* out, int64_t n) {
  return guarded([&] {
    LoraTensor& tensor = lora_tensor(model_of(model), index);
    at::Tensor buffer = lora_buffer(tensor, which);
    check_not_null(out, "out");
    check_arg(n == buffer.numel(), "LoRA tensor " + tensor.name + " has " + std::to_string(buffer.numel()) +
                                       " values, n is " + std::to_string(n));
    at::Tensor host = buffer.to(at::kCPU, at::kFloat).contiguous();
    std::memcpy(out, host.data_ptr<float>(), n * sizeof(float));
  });
}

extern "C" int32_t sqlrl_lora_write(sqlrl_model* model, int32_t index, int32_t which, const float* values, int64_t n) {
  return guarded([&] {
    LoraTensor& tensor = lora_tensor(model_of(model), index);
    at::Tensor buffer = lora_buffer(tensor, which);
    check_not_null(values, "values");
    check_arg(n == buffer.numel(), "LoRA tensor " + tensor.name + " has " + std::to_string(buffer.numel()) +
                                       " values, n is " + std::to_string(n));
    c10::NoGradGuard no_grad;
    buffer.copy_(at::from_blob(const_cast<float*>(values), buffer.sizes(), at::kFloat));
  });
}

extern "C" int32_t sqlrl_zero_grad(sqlrl_model* model) {
  return guarded([&] { zero_grad(adapters_of(model_of(model))); });
}

extern "C" int32_t sqlrl_adamw_step(sqlrl_model* model, double lr, double beta1, double beta2, double eps,
                                    double weight_decay, double max_grad_norm, int64_t step, double* out_grad_norm) {
  return guarded([&] {
    LoraAdapters& lora = adapters_of(model_of(model));
    check_not_null(out_grad_norm, "out_grad_norm");
    check_arg(std::isfinite(lr) && lr >= 0, "lr must be a finite number >= 0, got " + std::to_string(lr));
    check_arg(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + std::to_string(beta1));
    check_arg(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + std::to_string(beta2));
    check_arg(eps >= 0, "eps must be >= 0, got " + std::to_string(eps));
    check_arg(weight_decay >= 0, "weight_decay must be >= 0, got " + std::to_string(weight_decay));
    check_arg(step >= 1, "step must be >= 1 (1-based, for bias correction), got " + std::to_string(step));
    AdamWSettings settings{lr, beta1, beta2, eps, weight_decay, max_grad_norm, step};
    *out_grad_norm = adamw_step(lora, settings);
  });
}
