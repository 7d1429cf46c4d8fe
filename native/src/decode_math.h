// The math of the fused decode operators (decode_ops.h), one row or one head at a time, in plain C++ (no
// libtorch): libsqlrl's CPU path runs it, and native/cuda's tests check the CUDA kernels against it.
// Arithmetic in fp32; a value is rounded to the element type T (float, bf16, fp16: anything with float
// conversions) exactly where the unfused tensor-op path (transformer.cpp) stores a tensor of that dtype,
// so that the two paths differ only in summation order.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>

namespace sqlrl::decode_math {

template <typename T>
inline float round_to(float value) {
  return static_cast<float>(static_cast<T>(value));
}

// out = weight * x / sqrt(mean(x^2) + eps), Hugging Face's RMSNorm (weight fp32).
template <typename T>
void rms_norm_row(const T* x, const float* weight, int64_t n, float eps, T* out) {
  float sum_squares = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    float value = static_cast<float>(x[i]);
    sum_squares += value * value;
  }
  float inverse = 1.0f / std::sqrt(sum_squares / static_cast<float>(n) + eps);
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(weight[i] * (static_cast<float>(x[i]) * inverse));
}

// residual += delta (stored in T, as the residual stream is), then out = rms_norm(residual).
template <typename T>
void add_rms_norm_row(T* residual, const T* delta, const float* weight, int64_t n, float eps, T* out) {
  for (int64_t i = 0; i < n; ++i) residual[i] = static_cast<T>(static_cast<float>(residual[i]) + static_cast<float>(delta[i]));
  rms_norm_row(residual, weight, n, eps, out);
}

// SwiGLU's gate: silu(gate) * up, silu's result stored in T first as at::silu does.
template <typename T>
void silu_mul_row(const T* gate, const T* up, int64_t n, T* out) {
  for (int64_t i = 0; i < n; ++i) {
    float g = static_cast<float>(gate[i]);
    float silu = round_to<T>(g / (1.0f + std::exp(-g)));
    out[i] = static_cast<T>(silu * static_cast<float>(up[i]));
  }
}

// Rotate-half RoPE of one head x[head_dim] in place at `position`: x * cos + rotate_half(x) * sin, with cos and sin
// of position * inv_freq[i] stored in T (as the tables are), each product stored in T before the sum.
template <typename T>
void rope_head(T* x, int64_t head_dim, int64_t position, const float* inv_freq) {
  int64_t half = head_dim / 2;
  for (int64_t i = 0; i < half; ++i) {
    float angle = static_cast<float>(position) * inv_freq[i];
    float c = round_to<T>(std::cos(angle)), s = round_to<T>(std::sin(angle));
    float first = static_cast<float>(x[i]), second = static_cast<float>(x[i + half]);
    x[i] = static_cast<T>(round_to<T>(first * c) + round_to<T>(-second * s));
    x[i + half] = static_cast<T>(round_to<T>(second * c) + round_to<T>(first * s));
  }
}

// Softmax attention of one query head q[head_dim] over two runs of keys (the prompt's, shared by its samples,
// then the row's own generated ones), each a [count, head_dim] block of rows `stride` apart; scale 1/sqrt(head_dim).
// Two passes: the scores and their maximum, then one exp each and the weighted sum of the values. scratch holds
// head_dim + count_a + count_b floats. (The CUDA kernel keeps a running maximum instead: the same softmax, another
// summation order.)
template <typename T>
void attend_head(const T* q, int64_t head_dim, const T* keys_a, const T* values_a, int64_t count_a, const T* keys_b,
                 const T* values_b, int64_t count_b, int64_t stride, float* scratch, T* out) {
  float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  float* accumulator = scratch;
  float* weights = scratch + head_dim;
  float top = -std::numeric_limits<float>::infinity();
  int64_t n = 0;
  for (int run = 0; run < 2; ++run) {
    const T* keys = run == 0 ? keys_a : keys_b;
    for (int64_t j = 0, count = run == 0 ? count_a : count_b; j < count; ++j, ++n) {
      const T* key = keys + j * stride;
      float score = 0.0f;
      for (int64_t d = 0; d < head_dim; ++d) score += static_cast<float>(q[d]) * static_cast<float>(key[d]);
      weights[n] = score * scale;
      top = weights[n] > top ? weights[n] : top;
    }
  }
  float total = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    weights[i] = std::exp(weights[i] - top);
    total += weights[i];
  }
  for (int64_t d = 0; d < head_dim; ++d) accumulator[d] = 0.0f;
  n = 0;
  for (int run = 0; run < 2; ++run) {
    const T* values = run == 0 ? values_a : values_b;
    for (int64_t j = 0, count = run == 0 ? count_a : count_b; j < count; ++j, ++n) {
      const T* value = values + j * stride;
      for (int64_t d = 0; d < head_dim; ++d) accumulator[d] += weights[n] * static_cast<float>(value[d]);
    }
  }
  for (int64_t d = 0; d < head_dim; ++d) out[d] = static_cast<T>(accumulator[d] / total);
}

// Which keys a decode row sees. The row's new token sits at `position`; its prompt (prompt_length tokens) owns
// key positions 0 .. prompt_length - 1, and its generated tokens prompt_length, prompt_length + 1, ... up to
// `position` itself (generated slot position - prompt_length). A sliding window (> 0) keeps key positions
// greater than position - window, as transformers' sliding-window mask does.
struct VisibleKeys {
  int64_t prompt_begin, prompt_end;  // prompt key positions [begin, end)
  int64_t generated_begin, generated_end;  // generated slots [begin, end)
};

inline VisibleKeys visible_keys(int64_t position, int64_t prompt_length, int64_t sliding_window) {
  int64_t first = sliding_window > 0 ? position - sliding_window + 1 : 0;
  if (first < 0) first = 0;
  VisibleKeys keys;
  keys.prompt_begin = first < prompt_length ? first : prompt_length;
  keys.prompt_end = prompt_length;
  keys.generated_begin = first > prompt_length ? first - prompt_length : 0;
  keys.generated_end = position - prompt_length + 1;
  return keys;
}

}  // namespace sqlrl::decode_math
