#include "decode_ops.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <vector>

#include "api_guard.h"
#include "cuda_kernels.h"
#include "decode_math.h"

namespace sqlrl::decode_ops {

namespace {
// Each fused operator is one entry for RecordFunction (sqlrl_op_count), as an ATen operator is.
#define SQLRL_RECORD_OP(name) RECORD_FUNCTION(name, c10::ArrayRef<const c10::IValue>{})

// Every operator runs where its tensors are: CPU loops here, or native/cuda's kernels.
bool on_cuda(const at::Tensor& t) {
  if (!t.is_cuda()) return false;
  if (!cuda_kernels::available()) throw Unsupported("the fused decode step on CUDA needs native/cuda's kernels");
  return true;
}

void check_rows(const at::Tensor& t, const char* what) {
  if (!t.is_contiguous() || t.dim() != 2) throw BadState(std::string("decode op: ") + what + " must be contiguous 2-d");
}

// Rows of `width` values per parallel chunk: about 32k values, so small batches stay on one thread.
int64_t grain_rows(int64_t width) { return std::max<int64_t>(1, 32768 / std::max<int64_t>(width, 1)); }

// Runs body(T{}) for the element type T of the compute dtype. The CPU computes in fp32 whatever the stored weights
// (api_model.cpp), so fp32 is the only CPU loop; decode_math's bf16 instantiation is what the CUDA kernel tests
// compare with.
template <typename F>
void dispatch_float_types(at::ScalarType type, F&& body) {
  if (type != at::kFloat) throw BadState(std::string("decode op: the CPU loops take fp32, not ") + c10::toString(type));
  body(float{});
}
}  // namespace

void rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps, at::Tensor& out) {
  SQLRL_RECORD_OP("sqlrl::rms_norm");
  check_rows(x, "x");
  check_rows(out, "out");
  if (on_cuda(x)) {
    if constexpr (cuda_kernels::available()) cuda_kernels::rms_norm(x, weight, eps, out);
    return;
  }
  int64_t width = x.size(1);
  const float* w = weight.data_ptr<float>();
  dispatch_float_types(x.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    const T* in = x.data_ptr<T>();
    T* result = out.data_ptr<T>();
    at::parallel_for(0, x.size(0), grain_rows(width), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        decode_math::rms_norm_row(in + r * width, w, width, static_cast<float>(eps), result + r * width);
      }
    });
  });
}

void add_rms_norm(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight, double eps, at::Tensor& out) {
  SQLRL_RECORD_OP("sqlrl::add_rms_norm");
  check_rows(residual, "residual");
  check_rows(delta, "delta");
  check_rows(out, "out");
  if (on_cuda(residual)) {
    if constexpr (cuda_kernels::available()) cuda_kernels::add_rms_norm(residual, delta, weight, eps, out);
    return;
  }
  int64_t width = residual.size(1);
  const float* w = weight.data_ptr<float>();
  dispatch_float_types(residual.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    T* stream = residual.data_ptr<T>();
    const T* add = delta.data_ptr<T>();
    T* result = out.data_ptr<T>();
    at::parallel_for(0, residual.size(0), grain_rows(width), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        decode_math::add_rms_norm_row(stream + r * width, add + r * width, w, width, static_cast<float>(eps),
                                      result + r * width);
      }
    });
  });
}

void silu_mul(const at::Tensor& gate, const at::Tensor& up, at::Tensor& out) {
  SQLRL_RECORD_OP("sqlrl::silu_mul");
  check_rows(gate, "gate");
  check_rows(up, "up");
  check_rows(out, "out");
  if (on_cuda(gate)) {
    if constexpr (cuda_kernels::available()) cuda_kernels::silu_mul(gate, up, out);
    return;
  }
  int64_t width = gate.size(1);
  dispatch_float_types(gate.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    const T* g = gate.data_ptr<T>();
    const T* u = up.data_ptr<T>();
    T* result = out.data_ptr<T>();
    at::parallel_for(0, gate.size(0), grain_rows(width), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) decode_math::silu_mul_row(g + r * width, u + r * width, width, result + r * width);
    });
  });
}

void rope_and_store(at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const DecodeRows& rows,
                    const at::Tensor& inv_freq, const at::Tensor& q_norm, const at::Tensor& k_norm, double eps,
                    at::Tensor& generated_keys, at::Tensor& generated_values) {
  SQLRL_RECORD_OP("sqlrl::rope_and_store");
  check_rows(q, "q");
  check_rows(k, "k");
  check_rows(v, "v");
  if (on_cuda(q)) {
    if constexpr (cuda_kernels::available()) cuda_kernels::rope_and_store(q, k, v, rows, inv_freq, q_norm, k_norm, eps, generated_keys, generated_values);
    return;
  }
  int64_t kv_heads = generated_keys.size(1), capacity = generated_keys.size(2), head_dim = generated_keys.size(3);
  int64_t heads = q.size(1) / head_dim;
  const int64_t* positions = rows.positions.data_ptr<int64_t>();
  const int64_t* prompt_lengths = rows.prompt_lengths.data_ptr<int64_t>();
  const float* frequencies = inv_freq.data_ptr<float>();
  const float* qn = q_norm.defined() ? q_norm.data_ptr<float>() : nullptr;
  const float* kn = k_norm.defined() ? k_norm.data_ptr<float>() : nullptr;
  float epsilon = static_cast<float>(eps);
  dispatch_float_types(q.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    T* queries = q.data_ptr<T>();
    const T* keys = k.data_ptr<T>();
    const T* values = v.data_ptr<T>();
    T* key_cache = generated_keys.data_ptr<T>();
    T* value_cache = generated_values.data_ptr<T>();
    at::parallel_for(0, q.size(0), grain_rows(q.size(1)), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        int64_t position = positions[r];
        int64_t slot = position - prompt_lengths[r / rows.samples_per_prompt];
        for (int64_t h = 0; h < heads; ++h) {
          T* head = queries + (r * heads + h) * head_dim;
          if (qn != nullptr) decode_math::rms_norm_row(head, qn, head_dim, epsilon, head);
          decode_math::rope_head(head, head_dim, position, frequencies);
        }
        for (int64_t g = 0; g < kv_heads; ++g) {
          int64_t source = (r * kv_heads + g) * head_dim, target = ((r * kv_heads + g) * capacity + slot) * head_dim;
          T* key = key_cache + target;
          for (int64_t d = 0; d < head_dim; ++d) {
            key[d] = keys[source + d];
            value_cache[target + d] = values[source + d];
          }
          if (kn != nullptr) decode_math::rms_norm_row(key, kn, head_dim, epsilon, key);
          decode_math::rope_head(key, head_dim, position, frequencies);
        }
      }
    });
  });
}

void shared_prompt_attention(const at::Tensor& q, const at::Tensor& prompt_keys, const at::Tensor& prompt_values,
                             const at::Tensor& generated_keys, const at::Tensor& generated_values,
                             const DecodeRows& rows, at::Tensor& out) {
  SQLRL_RECORD_OP("sqlrl::shared_prompt_attention");
  check_rows(q, "q");
  check_rows(out, "out");
  if (on_cuda(q)) {
    if constexpr (cuda_kernels::available()) cuda_kernels::shared_prompt_attention(q, prompt_keys, prompt_values, generated_keys, generated_values, rows,
                                                 out);
    return;
  }
  int64_t kv_heads = generated_keys.size(1), capacity = generated_keys.size(2), head_dim = generated_keys.size(3);
  int64_t prompt_capacity = prompt_keys.size(2);
  int64_t heads = q.size(1) / head_dim, group = heads / kv_heads;
  const int64_t* positions = rows.positions.data_ptr<int64_t>();
  const int64_t* prompt_lengths = rows.prompt_lengths.data_ptr<int64_t>();
  dispatch_float_types(q.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    const T* queries = q.data_ptr<T>();
    const T* pk = prompt_keys.data_ptr<T>();
    const T* pv = prompt_values.data_ptr<T>();
    const T* gk = generated_keys.data_ptr<T>();
    const T* gv = generated_values.data_ptr<T>();
    T* result = out.data_ptr<T>();
    at::parallel_for(0, q.size(0) * heads, 1, [&](int64_t begin, int64_t end) {
      std::vector<float> scratch(head_dim + prompt_capacity + capacity);
      for (int64_t index = begin; index < end; ++index) {
        int64_t r = index / heads, h = index % heads, g = h / group, prompt = r / rows.samples_per_prompt;
        decode_math::VisibleKeys visible =
            decode_math::visible_keys(positions[r], prompt_lengths[prompt], rows.sliding_window);
        int64_t prompt_base = ((prompt * kv_heads + g) * prompt_capacity + visible.prompt_begin) * head_dim;
        int64_t generated_base = ((r * kv_heads + g) * capacity + visible.generated_begin) * head_dim;
        decode_math::attend_head(queries + index * head_dim, head_dim, pk + prompt_base, pv + prompt_base,
                                 visible.prompt_end - visible.prompt_begin, gk + generated_base, gv + generated_base,
                                 visible.generated_end - visible.generated_begin, head_dim, scratch.data(),
                                 result + index * head_dim);
      }
    });
  });
}

}  // namespace sqlrl::decode_ops
