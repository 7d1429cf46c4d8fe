// The fused operators of a decode step (see sqlrl_cuda_kernels.h): one launch each per layer where the tensor-op
// form takes 5-20. Their math is native/src/decode_math.h's: fp32 arithmetic, rounded to the compute dtype
// exactly where that code rounds, so that the CUDA and CPU paths differ only in summation order.
#include <cuda_bf16.h>

#include <cmath>

#include "sqlrl_cuda_kernels.h"

namespace sqlrl::cuda {
namespace {

constexpr unsigned kFullMask = 0xFFFFFFFFu;
constexpr int kWarpSize = 32;
constexpr int kNormThreads = 256;
constexpr int kRopeWarps = 4;        // heads per rope block, one warp each
constexpr int kAttentionWarps = 4;   // each takes every 4th key of the row
constexpr int kMaxGroup = 8;         // query heads per attention block (more: blockIdx.z splits the group)
constexpr int kMaxPerLane = 8;       // head_dim <= 32 * 8
constexpr int kMaxHeadDim = kWarpSize * kMaxPerLane;

__device__ __forceinline__ float to_float(float value) { return value; }
__device__ __forceinline__ float to_float(__nv_bfloat16 value) { return __bfloat162float(value); }

template <typename T>
__device__ __forceinline__ T from_float(float value);
template <>
__device__ __forceinline__ float from_float<float>(float value) { return value; }
template <>
__device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float value) { return __float2bfloat16_rn(value); }

// decode_math's round_to: the value as the dtype would store it.
template <typename T>
__device__ __forceinline__ float round_to(float value) { return to_float(from_float<T>(value)); }

__device__ __forceinline__ float warp_sum(float value) {
#pragma unroll
  for (int offset = kWarpSize / 2; offset > 0; offset /= 2) value += __shfl_xor_sync(kFullMask, value, offset);
  return value;
}

// Sum over a block of kNormThreads threads, returned to every thread.
__device__ float block_sum(float value) {
  __shared__ float partial[kNormThreads / kWarpSize];
  __shared__ float total;
  int lane = threadIdx.x % kWarpSize, warp = threadIdx.x / kWarpSize;
  value = warp_sum(value);
  if (lane == 0) partial[warp] = value;
  __syncthreads();
  if (warp == 0) {
    float sum = lane < kNormThreads / kWarpSize ? partial[lane] : 0.0f;
    sum = warp_sum(sum);
    if (lane == 0) total = sum;
  }
  __syncthreads();
  return total;
}

// decode_math::rms_norm_row / add_rms_norm_row, one block per row. kAdd: x is the residual stream, delta added
// first (each thread reads back only the values it wrote itself).
template <typename T, bool kAdd>
__global__ void rms_norm_kernel(T* x, const T* delta, const float* weight, int64_t width, float eps, T* out) {
  int64_t base = static_cast<int64_t>(blockIdx.x) * width;
  float sum_squares = 0.0f;
  for (int64_t i = threadIdx.x; i < width; i += blockDim.x) {
    float value = to_float(x[base + i]);
    if (kAdd) {
      value = round_to<T>(value + to_float(delta[base + i]));
      x[base + i] = from_float<T>(value);
    }
    sum_squares += value * value;
  }
  sum_squares = block_sum(sum_squares);
  float inverse = 1.0f / sqrtf(sum_squares / static_cast<float>(width) + eps);
  for (int64_t i = threadIdx.x; i < width; i += blockDim.x) {
    out[base + i] = from_float<T>(weight[i] * (to_float(x[base + i]) * inverse));
  }
}

template <typename T>
__global__ void silu_mul_kernel(const T* gate, const T* up, int64_t count, T* out) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    float g = to_float(gate[i]);
    float silu = round_to<T>(g / (1.0f + expf(-g)));
    out[i] = from_float<T>(silu * to_float(up[i]));
  }
}

// One warp per head: head_dim values of one row's q head, or of a k head already copied to its cache slot.
// Qwen3's per-head norm first, then decode_math::rope_head (pairs i, i + half belong to one lane each).
template <typename T>
__device__ void norm_and_rope_head(T* head, int head_dim, int64_t position, const float* inv_freq, const float* norm,
                                   float eps, int lane) {
  if (norm != nullptr) {
    float sum_squares = 0.0f;
    for (int d = lane; d < head_dim; d += kWarpSize) {
      float value = to_float(head[d]);
      sum_squares += value * value;
    }
    float inverse = 1.0f / sqrtf(warp_sum(sum_squares) / static_cast<float>(head_dim) + eps);
    for (int d = lane; d < head_dim; d += kWarpSize) head[d] = from_float<T>(norm[d] * (to_float(head[d]) * inverse));
    __syncwarp();
  }
  int half = head_dim / 2;
  for (int i = lane; i < half; i += kWarpSize) {
    float angle = static_cast<float>(position) * inv_freq[i];
    float c = round_to<T>(cosf(angle)), s = round_to<T>(sinf(angle));
    float first = to_float(head[i]), second = to_float(head[i + half]);
    head[i] = from_float<T>(round_to<T>(first * c) + round_to<T>(-second * s));
    head[i + half] = from_float<T>(round_to<T>(second * c) + round_to<T>(first * s));
  }
}

// grid (rows, ceil((heads + kv_heads) / kRopeWarps)): warp w of block y takes head y * kRopeWarps + w, the
// query heads first, then the kv heads (whose k and v it first stores at the row's generated slot).
template <typename T>
__global__ void rope_and_store_kernel(T* q, const T* k, const T* v, sqlrl_cuda_decode_rows rows,
                                      sqlrl_cuda_attention_shape shape, const float* inv_freq, const float* q_norm,
                                      const float* k_norm, float eps, T* generated_keys, T* generated_values) {
  int lane = threadIdx.x % kWarpSize, warp = threadIdx.x / kWarpSize;
  int head = blockIdx.y * kRopeWarps + warp;
  if (head >= shape.heads + shape.kv_heads) return;
  int64_t row = blockIdx.x, head_dim = shape.head_dim;
  int64_t position = rows.positions[row];
  if (head < shape.heads) {
    norm_and_rope_head(q + (row * shape.heads + head) * head_dim, shape.head_dim, position, inv_freq, q_norm, eps, lane);
    return;
  }
  int64_t kv_head = head - shape.heads;
  int64_t slot = position - rows.prompt_lengths[row / rows.samples_per_prompt];
  int64_t source = (row * shape.kv_heads + kv_head) * head_dim;
  int64_t target = ((row * shape.kv_heads + kv_head) * shape.generated_capacity + slot) * head_dim;
  for (int d = lane; d < head_dim; d += kWarpSize) {
    generated_keys[target + d] = k[source + d];
    generated_values[target + d] = v[source + d];
  }
  __syncwarp();
  norm_and_rope_head(generated_keys + target, shape.head_dim, position, inv_freq, k_norm, eps, lane);
}

// grid (rows, kv_heads, ceil(group / kMaxGroup)), kAttentionWarps warps: the block's query heads (up to kMaxGroup
// of one kv head) against that kv head's visible keys, read once per block. Warp w takes keys w, w + 4, ...;
// lanes split head_dim; each warp keeps an online softmax per head, and the warps' are merged at the end
// (flash-decoding's reduction). The visible range is decode_math::visible_keys.
template <typename T>
__global__ void shared_prompt_attention_kernel(const T* q, const T* prompt_keys, const T* prompt_values,
                                               const T* generated_keys, const T* generated_values,
                                               sqlrl_cuda_decode_rows rows, sqlrl_cuda_attention_shape shape, T* out) {
  extern __shared__ float merge[];  // [warps][heads here][2 + head_dim]: max, sum, accumulator
  int lane = threadIdx.x % kWarpSize, warp = threadIdx.x / kWarpSize;
  int64_t row = blockIdx.x, kv_head = blockIdx.y, head_dim = shape.head_dim;
  int group = shape.heads / shape.kv_heads;
  int first_head = static_cast<int>(kv_head) * group + blockIdx.z * kMaxGroup;
  int heads_here = min(kMaxGroup, group - static_cast<int>(blockIdx.z) * kMaxGroup);
  int64_t prompt = row / rows.samples_per_prompt;
  int64_t position = rows.positions[row], prompt_length = rows.prompt_lengths[prompt];
  int64_t first = rows.sliding_window > 0 ? position - rows.sliding_window + 1 : 0;
  if (first < 0) first = 0;
  int64_t prompt_begin = first < prompt_length ? first : prompt_length;
  int64_t generated_begin = first > prompt_length ? first - prompt_length : 0;
  int64_t prompt_count = prompt_length - prompt_begin;
  int64_t total = prompt_count + (position - prompt_length + 1 - generated_begin);
  float scale = 1.0f / sqrtf(static_cast<float>(head_dim));

  float query[kMaxGroup][kMaxPerLane], accumulator[kMaxGroup][kMaxPerLane], running_max[kMaxGroup], sum[kMaxGroup];
#pragma unroll
  for (int h = 0; h < kMaxGroup; ++h) {
    running_max[h] = -INFINITY;
    sum[h] = 0.0f;
#pragma unroll
    for (int i = 0; i < kMaxPerLane; ++i) {
      int d = lane + kWarpSize * i;
      query[h][i] = h < heads_here && d < head_dim ? to_float(q[(row * shape.heads + first_head + h) * head_dim + d]) : 0.0f;
      accumulator[h][i] = 0.0f;
    }
  }
  for (int64_t j = warp; j < total; j += kAttentionWarps) {
    int64_t offset;
    const T *keys, *values;
    if (j < prompt_count) {
      offset = ((prompt * shape.kv_heads + kv_head) * shape.prompt_capacity + prompt_begin + j) * head_dim;
      keys = prompt_keys;
      values = prompt_values;
    } else {
      offset = ((row * shape.kv_heads + kv_head) * shape.generated_capacity + generated_begin + (j - prompt_count)) *
               head_dim;
      keys = generated_keys;
      values = generated_values;
    }
    float key[kMaxPerLane], value[kMaxPerLane];
#pragma unroll
    for (int i = 0; i < kMaxPerLane; ++i) {
      int d = lane + kWarpSize * i;
      key[i] = d < head_dim ? to_float(keys[offset + d]) : 0.0f;
      value[i] = d < head_dim ? to_float(values[offset + d]) : 0.0f;
    }
#pragma unroll
    for (int h = 0; h < kMaxGroup; ++h) {
      if (h >= heads_here) break;
      float partial = 0.0f;
#pragma unroll
      for (int i = 0; i < kMaxPerLane; ++i) partial += query[h][i] * key[i];
      float score = warp_sum(partial) * scale;
      float new_max = fmaxf(running_max[h], score);
      float correction = expf(running_max[h] - new_max), weight = expf(score - new_max);
      sum[h] = sum[h] * correction + weight;
#pragma unroll
      for (int i = 0; i < kMaxPerLane; ++i) accumulator[h][i] = accumulator[h][i] * correction + weight * value[i];
      running_max[h] = new_max;
    }
  }
  int64_t stride = 2 + head_dim;
#pragma unroll
  for (int h = 0; h < kMaxGroup; ++h) {
    if (h >= heads_here) break;
    float* mine = merge + (warp * heads_here + h) * stride;
    if (lane == 0) {
      mine[0] = running_max[h];
      mine[1] = sum[h];
    }
#pragma unroll
    for (int i = 0; i < kMaxPerLane; ++i) {
      int d = lane + kWarpSize * i;
      if (d < head_dim) mine[2 + d] = accumulator[h][i];
    }
  }
  __syncthreads();
  for (int index = threadIdx.x; index < heads_here * head_dim; index += blockDim.x) {
    int h = index / static_cast<int>(head_dim), d = index % static_cast<int>(head_dim);
    float overall_max = -INFINITY;
    for (int w = 0; w < kAttentionWarps; ++w) overall_max = fmaxf(overall_max, merge[(w * heads_here + h) * stride]);
    float total_weight = 0.0f, value = 0.0f;
    for (int w = 0; w < kAttentionWarps; ++w) {
      const float* theirs = merge + (w * heads_here + h) * stride;
      float factor = expf(theirs[0] - overall_max);  // 0 for a warp that saw no key (max -inf)
      total_weight += theirs[1] * factor;
      value += theirs[2 + d] * factor;
    }
    out[(row * shape.heads + first_head + h) * head_dim + d] = from_float<T>(value / total_weight);
  }
}

bool valid_dtype(int32_t dtype) { return dtype == SQLRL_CUDA_F32 || dtype == SQLRL_CUDA_BF16; }

bool valid_decode(const sqlrl_cuda_decode_rows& rows, const sqlrl_cuda_attention_shape& shape) {
  return rows.positions != nullptr && rows.prompt_lengths != nullptr && rows.rows > 0 && rows.samples_per_prompt > 0 &&
         rows.sliding_window >= 0 && shape.heads > 0 && shape.kv_heads > 0 && shape.heads % shape.kv_heads == 0 &&
         shape.head_dim > 0 && shape.head_dim % 2 == 0 && shape.head_dim <= kMaxHeadDim && shape.prompt_capacity >= 0 &&
         shape.generated_capacity > 0;
}

template <typename T, bool kAdd>
cudaError_t launch_norm(void* x, const void* delta, const float* weight, int64_t rows, int64_t width, float eps,
                        void* out, cudaStream_t stream) {
  rms_norm_kernel<T, kAdd><<<static_cast<unsigned>(rows), kNormThreads, 0, stream>>>(
      static_cast<T*>(x), static_cast<const T*>(delta), weight, width, eps, static_cast<T*>(out));
  return cudaGetLastError();
}

template <typename T>
cudaError_t launch_rope(void* q, const void* k, const void* v, sqlrl_cuda_decode_rows rows,
                        sqlrl_cuda_attention_shape shape, const float* inv_freq, const float* q_norm,
                        const float* k_norm, float eps, void* keys, void* values, cudaStream_t stream) {
  dim3 grid(static_cast<unsigned>(rows.rows), (shape.heads + shape.kv_heads + kRopeWarps - 1) / kRopeWarps);
  rope_and_store_kernel<T><<<grid, kRopeWarps * kWarpSize, 0, stream>>>(
      static_cast<T*>(q), static_cast<const T*>(k), static_cast<const T*>(v), rows, shape, inv_freq, q_norm, k_norm,
      eps, static_cast<T*>(keys), static_cast<T*>(values));
  return cudaGetLastError();
}

template <typename T>
cudaError_t launch_attention(const void* q, const void* prompt_keys, const void* prompt_values,
                             const void* generated_keys, const void* generated_values, sqlrl_cuda_decode_rows rows,
                             sqlrl_cuda_attention_shape shape, void* out, cudaStream_t stream) {
  int group = shape.heads / shape.kv_heads;
  int heads_per_block = group < kMaxGroup ? group : kMaxGroup;
  dim3 grid(static_cast<unsigned>(rows.rows), static_cast<unsigned>(shape.kv_heads),
            static_cast<unsigned>((group + kMaxGroup - 1) / kMaxGroup));
  size_t merge_bytes = sizeof(float) * kAttentionWarps * heads_per_block * (2 + shape.head_dim);
  shared_prompt_attention_kernel<T><<<grid, kAttentionWarps * kWarpSize, merge_bytes, stream>>>(
      static_cast<const T*>(q), static_cast<const T*>(prompt_keys), static_cast<const T*>(prompt_values),
      static_cast<const T*>(generated_keys), static_cast<const T*>(generated_values), rows, shape, static_cast<T*>(out));
  return cudaGetLastError();
}

}  // namespace
}  // namespace sqlrl::cuda

using namespace sqlrl::cuda;

extern "C" cudaError_t sqlrl_cuda_rms_norm(int32_t dtype, const void* x, const float* weight, int64_t rows,
                                           int64_t width, float eps, void* out, cudaStream_t stream) {
  if (!valid_dtype(dtype) || x == nullptr || weight == nullptr || out == nullptr || rows <= 0 || width <= 0) {
    return cudaErrorInvalidValue;
  }
  void* input = const_cast<void*>(x);  // read only: kAdd is false
  return dtype == SQLRL_CUDA_F32 ? launch_norm<float, false>(input, nullptr, weight, rows, width, eps, out, stream)
                                 : launch_norm<__nv_bfloat16, false>(input, nullptr, weight, rows, width, eps, out, stream);
}

extern "C" cudaError_t sqlrl_cuda_add_rms_norm(int32_t dtype, void* residual, const void* delta, const float* weight,
                                               int64_t rows, int64_t width, float eps, void* out, cudaStream_t stream) {
  if (!valid_dtype(dtype) || residual == nullptr || delta == nullptr || weight == nullptr || out == nullptr ||
      rows <= 0 || width <= 0) {
    return cudaErrorInvalidValue;
  }
  return dtype == SQLRL_CUDA_F32
             ? launch_norm<float, true>(residual, delta, weight, rows, width, eps, out, stream)
             : launch_norm<__nv_bfloat16, true>(residual, delta, weight, rows, width, eps, out, stream);
}

extern "C" cudaError_t sqlrl_cuda_silu_mul(int32_t dtype, const void* gate, const void* up, int64_t count, void* out,
                                           cudaStream_t stream) {
  if (!valid_dtype(dtype) || gate == nullptr || up == nullptr || out == nullptr || count <= 0) return cudaErrorInvalidValue;
  int64_t blocks64 = (count + 255) / 256;
  unsigned blocks = static_cast<unsigned>(blocks64 < 65535 ? blocks64 : 65535);
  if (dtype == SQLRL_CUDA_F32) {
    silu_mul_kernel<float><<<blocks, 256, 0, stream>>>(static_cast<const float*>(gate), static_cast<const float*>(up),
                                                        count, static_cast<float*>(out));
  } else {
    silu_mul_kernel<__nv_bfloat16><<<blocks, 256, 0, stream>>>(static_cast<const __nv_bfloat16*>(gate),
                                                                static_cast<const __nv_bfloat16*>(up), count,
                                                                static_cast<__nv_bfloat16*>(out));
  }
  return cudaGetLastError();
}

extern "C" cudaError_t sqlrl_cuda_rope_and_store(int32_t dtype, void* q, const void* k, const void* v,
                                                 sqlrl_cuda_decode_rows rows, sqlrl_cuda_attention_shape shape,
                                                 const float* inv_freq, const float* q_norm, const float* k_norm,
                                                 float eps, void* generated_keys, void* generated_values,
                                                 cudaStream_t stream) {
  if (!valid_dtype(dtype) || !valid_decode(rows, shape) || q == nullptr || k == nullptr || v == nullptr ||
      inv_freq == nullptr || generated_keys == nullptr || generated_values == nullptr) {
    return cudaErrorInvalidValue;
  }
  return dtype == SQLRL_CUDA_F32
             ? launch_rope<float>(q, k, v, rows, shape, inv_freq, q_norm, k_norm, eps, generated_keys,
                                  generated_values, stream)
             : launch_rope<__nv_bfloat16>(q, k, v, rows, shape, inv_freq, q_norm, k_norm, eps, generated_keys,
                                          generated_values, stream);
}

extern "C" cudaError_t sqlrl_cuda_shared_prompt_attention(int32_t dtype, const void* q, const void* prompt_keys,
                                                          const void* prompt_values, const void* generated_keys,
                                                          const void* generated_values, sqlrl_cuda_decode_rows rows,
                                                          sqlrl_cuda_attention_shape shape, void* out,
                                                          cudaStream_t stream) {
  if (!valid_dtype(dtype) || !valid_decode(rows, shape) || q == nullptr || prompt_keys == nullptr ||
      prompt_values == nullptr || generated_keys == nullptr || generated_values == nullptr || out == nullptr) {
    return cudaErrorInvalidValue;
  }
  return dtype == SQLRL_CUDA_F32
             ? launch_attention<float>(q, prompt_keys, prompt_values, generated_keys, generated_values, rows, shape,
                                       out, stream)
             : launch_attention<__nv_bfloat16>(q, prompt_keys, prompt_values, generated_keys, generated_values, rows,
                                               shape, out, stream);
}
