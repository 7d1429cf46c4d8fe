// Token sampling, one thread block per row of logits: temperature, top-k, top-p, then one draw.
//
// No sort and no prefix scan: the top-k and top-p thresholds are found by radix selection over an
// order-preserving 32-bit key of each scaled logit (4 passes of a 256-bin histogram each), top-p
// with a histogram of probability mass in 2^-32 fixed point, so that integer atomics keep it
// deterministic. Ties at the top-p boundary are cut as transformers' TopPLogitsWarper cuts them (its stable
// ascending sort drops tied tokens from the lowest index up): one more selection, over the tied tokens' indices.
// The draw is the Gumbel-max trick: argmax over kept tokens of value + Gumbel noise,
// the noise of token i coming from Philox at a counter made of (i / 4, row, step): the sampled token
// follows softmax over the kept tokens exactly and does not depend on how threads split the row.
#include <cub/block/block_reduce.cuh>
#include <cuda_bf16.h>

#include <climits>
#include <cmath>

#include "philox.cuh"
#include "sqlrl_cuda_kernels.h"

namespace sqlrl::cuda {
namespace {

constexpr int kThreads = 1024;
constexpr int kRadixBins = 256;
constexpr unsigned kFullMask = 0xFFFFFFFFu;

__device__ __forceinline__ float to_float(float value) { return value; }
__device__ __forceinline__ float to_float(__nv_bfloat16 value) { return __bfloat162float(value); }

// Row r of the logits, divided by the temperature (1 for greedy).
template <typename T>
struct ScaledRow {
  const T* logits;
  float temperature;
  __device__ float operator()(int i) const { return to_float(logits[i]) / temperature; }
};

// Unsigned key with the order of the floats: negative floats' bits are reversed.
__device__ __forceinline__ uint32_t order_key(float value) {
  uint32_t bits = __float_as_uint(value);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}

// exp(value - row_max) in [0, 1] as a 2^-32 fixed-point integer; the sums stay exact and order-free.
__device__ __forceinline__ unsigned long long fixed_point_mass(float value, float row_max) {
  return __float2ull_rn(expf(value - row_max) * 4294967296.0f);
}

// Uniform in (0, 1) from 23 random bits (value + 0.5 needs 24 bits: exact, never 0 or 1), then Gumbel.
__device__ __forceinline__ float gumbel_noise(uint32_t bits) {
  float uniform = (static_cast<float>(bits >> 9) + 0.5f) * (1.0f / 8388608.0f);
  return -logf(-logf(uniform));
}

// Online softmax statistics of a row: max, sum of exp(value - max), first index of the max.
struct RowStats {
  float max;
  float sum;
  int argmax;
};

__device__ __forceinline__ void add_value(RowStats& stats, float value, int index) {
  if (value == -INFINITY) {
    if (stats.argmax == INT_MAX) stats.argmax = index;  // all -inf so far: the first index is the argmax
  } else if (value > stats.max) {
    stats.sum = stats.sum * expf(stats.max - value) + 1.0f;
    stats.max = value;
    stats.argmax = index;
  } else if (value == stats.max) {
    stats.sum += 1.0f;
  } else {
    stats.sum += expf(value - stats.max);
  }
}

struct MergeRowStats {
  __device__ RowStats operator()(const RowStats& a, const RowStats& b) const {
    RowStats merged;
    merged.max = fmaxf(a.max, b.max);
    merged.sum = merged.max == -INFINITY
                     ? 0.0f
                     : a.sum * expf(a.max - merged.max) + b.sum * expf(b.max - merged.max);
    merged.argmax = a.max > b.max ? a.argmax : (b.max > a.max ? b.argmax : min(a.argmax, b.argmax));
    return merged;
  }
};

struct Candidate {
  float score;
  int index;
};

struct BetterCandidate {  // higher score; ties: lower index
  __device__ Candidate operator()(const Candidate& a, const Candidate& b) const {
    if (a.score > b.score) return a;
    if (b.score > a.score) return b;
    return a.index <= b.index ? a : b;
  }
};

struct RadixState {
  unsigned long long histogram[kRadixBins];
  unsigned long long above;   // weight of the keys already known to be above the current prefix
  unsigned long long target;  // weight that keys >= the answer must reach
  unsigned long long at;      // after the last pass: weight of the keys equal to the answer
  uint32_t prefix;            // the answer's bits found so far
};

// Warp 0, after a histogram pass: the digit whose bin makes the weight of keys >= it reach the target,
// scanning bins from the highest. Each lane owns 8 bins; a shuffle scan finds the lane, the lane the bin.
__device__ void choose_digit(RadixState& state, int shift, bool target_from_total, float mass_fraction) {
  const int lane = threadIdx.x;
  unsigned long long bins[8], lane_total = 0;
#pragma unroll
  for (int j = 0; j < 8; ++j) {
    bins[j] = state.histogram[kRadixBins - 1 - (8 * lane + j)];
    lane_total += bins[j];
  }
  unsigned long long inclusive = lane_total;
#pragma unroll
  for (int offset = 1; offset < 32; offset *= 2) {
    unsigned long long before = __shfl_up_sync(kFullMask, inclusive, offset);
    if (lane >= offset) inclusive += before;
  }
  const unsigned long long above = state.above;
  unsigned long long target = state.target;
  if (target_from_total) {  // top-p: a fraction of the mass of all candidates, known after pass 0
    unsigned long long total = __shfl_sync(kFullMask, inclusive, 31);
    target = static_cast<unsigned long long>(static_cast<double>(mass_fraction) * static_cast<double>(total));
    if (target == 0) target = 1;
  }
  unsigned reached = __ballot_sync(kFullMask, above + inclusive >= target);
  int owner = reached != 0 ? __ffs(reached) - 1 : 31;  // 31: unreachable, kept as a safe fallback
  if (lane == owner) {
    unsigned long long running = above + inclusive - lane_total;
    int digit = kRadixBins - 1 - (8 * lane + 7);
#pragma unroll
    for (int j = 0; j < 8; ++j) {
      if (running + bins[j] >= target) {
        digit = kRadixBins - 1 - (8 * lane + j);
        break;
      }
      running += bins[j];
    }
    state.prefix |= static_cast<uint32_t>(digit) << shift;
    state.above = running;
    state.target = target;
    state.at = state.histogram[digit];
  }
}

// Tokens at or above floor_key, keyed by their scaled logit, each weighing 1 or its mass.
template <bool kByMass, typename T>
struct LogitKeys {
  ScaledRow<T> row;
  float row_max;
  uint32_t floor_key;
  __device__ bool key(int i, uint32_t& out) const {
    out = order_key(row(i));
    return out >= floor_key;
  }
  __device__ unsigned long long weight(int i) const { return kByMass ? fixed_point_mass(row(i), row_max) : 1ull; }
};

// Tokens whose logit key is tie_key, keyed by their index, each weighing 1.
template <typename T>
struct TiedIndexKeys {
  ScaledRow<T> row;
  uint32_t tie_key;
  __device__ bool key(int i, uint32_t& out) const {
    out = static_cast<uint32_t>(i);
    return order_key(row(i)) == tie_key;
  }
  __device__ unsigned long long weight(int) const { return 1ull; }
};

// The largest key v such that the weight of the candidates' keys >= v reaches the target: by count
// (target = k: the k-th largest key) or, with target_from_total, a fraction of all candidates' weight.
// Called by all threads of the block.
template <typename Keys>
__device__ uint32_t radix_select(const Keys& keys, int vocab, unsigned long long count_target, bool target_from_total,
                                 float mass_fraction, RadixState& state) {
  if (threadIdx.x == 0) {
    state.prefix = 0;
    state.above = 0;
    state.target = count_target;
  }
  for (int pass = 0; pass < 4; ++pass) {
    const int shift = 24 - 8 * pass;
    const uint32_t known_bits = pass == 0 ? 0u : (0xFFFFFFFFu << (shift + 8));
    for (int bin = threadIdx.x; bin < kRadixBins; bin += kThreads) state.histogram[bin] = 0;
    __syncthreads();
    const uint32_t prefix = state.prefix;
    for (int i = threadIdx.x; i < vocab; i += kThreads) {
      uint32_t key;
      if (!keys.key(i, key) || (key & known_bits) != prefix) continue;
      unsigned long long weight = keys.weight(i);
      if (weight != 0) atomicAdd(&state.histogram[(key >> shift) & 0xFFu], weight);
    }
    __syncthreads();
    if (threadIdx.x < 32) choose_digit(state, shift, target_from_total && pass == 0, mass_fraction);
    __syncthreads();
  }
  uint32_t answer = state.prefix;
  __syncthreads();  // everyone has read it before a next selection resets the state
  return answer;
}

// The largest key v such that the weight of keys >= v (among keys >= floor_key) reaches the target:
// by count (weight 1, target = k: the k-th largest value) or by mass (target = mass_fraction of the
// candidates' mass: the top-p boundary). Called by all threads of the block.
template <bool kByMass, typename T>
__device__ uint32_t select_key(const ScaledRow<T>& row, int vocab, float row_max, uint32_t floor_key,
                               unsigned long long count_target, float mass_fraction, RadixState& state) {
  return radix_select(LogitKeys<kByMass, T>{row, row_max, floor_key}, vocab, count_target, kByMass, mass_fraction,
                      state);
}

__device__ __forceinline__ float key_value(uint32_t key) {  // order_key's inverse
  return __uint_as_float((key & 0x80000000u) ? (key & 0x7FFFFFFFu) : ~key);
}

// After select_key by mass found the top-p boundary key: transformers keeps a token when the mass after it in
// its stable ascending order (greater logits, and tied ones of higher index) is below the target, so of the
// tied tokens at the boundary it keeps the `needed` of highest index, needed the fewest whose mass brings the
// mass above the boundary to the target. Returns the lowest index of a kept tied token (0: all tied stay).
template <typename T>
__device__ int first_kept_tie(const ScaledRow<T>& row, int vocab, float row_max, uint32_t boundary_key,
                              RadixState& state) {
  const unsigned long long above = state.above, at = state.at, target = state.target;
  __syncthreads();  // everyone has read the state before the index selection resets it
  const unsigned long long each = fixed_point_mass(key_value(boundary_key), row_max);
  if (each == 0 || target <= above) return 0;
  const unsigned long long tied = at / each;              // every tied token weighs the same
  const unsigned long long needed = (target - above + each - 1) / each;
  if (needed >= tied) return 0;
  return static_cast<int>(radix_select(TiedIndexKeys<T>{row, boundary_key}, vocab, needed, false, 0.0f, state));
}

template <typename T>
__global__ void __launch_bounds__(kThreads)
    sample_kernel(const T* logits, int vocab, sqlrl_cuda_sampling settings, uint64_t seed, uint64_t step,
                  int32_t* out_tokens, float* out_logprobs) {
  using StatsReduce = cub::BlockReduce<RowStats, kThreads>;
  using CandidateReduce = cub::BlockReduce<Candidate, kThreads>;
  __shared__ union {
    typename StatsReduce::TempStorage stats;
    typename CandidateReduce::TempStorage candidates;
  } reduce_storage;
  __shared__ RadixState radix;
  __shared__ RowStats shared_stats;

  const int row_index = blockIdx.x;
  const ScaledRow<T> row{logits + static_cast<int64_t>(row_index) * vocab, settings.greedy ? 1.0f : settings.temperature};

  RowStats mine{-INFINITY, 0.0f, INT_MAX};
  for (int i = threadIdx.x; i < vocab; i += kThreads) add_value(mine, row(i), i);
  RowStats block_stats = StatsReduce(reduce_storage.stats).Reduce(mine, MergeRowStats());
  if (threadIdx.x == 0) shared_stats = block_stats;
  __syncthreads();
  const RowStats stats = shared_stats;

  if (settings.greedy) {
    if (threadIdx.x == 0) {
      out_tokens[row_index] = stats.argmax;
      out_logprobs[row_index] = (row(stats.argmax) - stats.max) - logf(stats.sum);
    }
    return;
  }

  uint32_t keep_key = 0;  // every key is >= 0: nothing filtered
  int first_tie = 0;      // of the tokens whose key is keep_key, those below this index are dropped
  if (settings.top_k > 0 && settings.top_k < vocab) {
    keep_key = select_key<false>(row, vocab, stats.max, 0u, static_cast<unsigned long long>(settings.top_k), 0.0f,
                                 radix);
  }
  if (settings.top_p < 1.0f) {
    keep_key = select_key<true>(row, vocab, stats.max, keep_key, 0ull, settings.top_p, radix);
    first_tie = first_kept_tie(row, vocab, stats.max, keep_key, radix);
  }

  const uint64_t key = settings.row_seeds != nullptr ? settings.row_seeds[row_index] : seed;
  const uint32_t counter_row = settings.row_seeds != nullptr ? 0u : static_cast<uint32_t>(row_index);
  const uint32_t seed_low = static_cast<uint32_t>(key), seed_high = static_cast<uint32_t>(key >> 32);
  Candidate best{-INFINITY, INT_MAX};
  for (int group = threadIdx.x; group < (vocab + 3) / 4; group += kThreads) {
    float values[4];
    bool kept[4], any_kept = false;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      int i = 4 * group + j;
      values[j] = i < vocab ? row(i) : -INFINITY;
      const uint32_t key = order_key(values[j]);
      kept[j] = i < vocab && (key > keep_key || (key == keep_key && i >= first_tie));
      any_kept |= kept[j];
    }
    if (!any_kept) continue;
    PhiloxBlock noise = philox4x32_10(
        PhiloxBlock{{static_cast<uint32_t>(group), counter_row, static_cast<uint32_t>(step),
                     static_cast<uint32_t>(step >> 32)}},
        seed_low, seed_high);
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      if (!kept[j]) continue;
      float score = values[j] + gumbel_noise(noise.v[j]);
      if (score > best.score) best = Candidate{score, 4 * group + j};  // indices rise: ties keep the first
    }
  }
  Candidate winner = CandidateReduce(reduce_storage.candidates).Reduce(best, BetterCandidate());
  if (threadIdx.x == 0) {
    int token = winner.index == INT_MAX ? stats.argmax : winner.index;
    out_tokens[row_index] = token;
    out_logprobs[row_index] = (row(token) - stats.max) - logf(stats.sum);
  }
}

template <typename T>
cudaError_t launch_sample(const T* logits, int32_t rows, int32_t vocab, const sqlrl_cuda_sampling& settings,
                          uint64_t seed, uint64_t step, int32_t* out_tokens, float* out_logprobs,
                          cudaStream_t stream) {
  bool valid_settings = settings.greedy != 0 || (settings.temperature > 0.0f && std::isfinite(settings.temperature) &&
                                                 settings.top_p > 0.0f);  // NaN fails both comparisons
  if (rows < 0 || vocab < 1 || logits == nullptr || out_tokens == nullptr || out_logprobs == nullptr ||
      !valid_settings) {
    return cudaErrorInvalidValue;
  }
  if (rows == 0) return cudaSuccess;
  sample_kernel<T><<<static_cast<unsigned>(rows), kThreads, 0, stream>>>(logits, vocab, settings, seed, step,
                                                                           out_tokens, out_logprobs);
  return cudaGetLastError();
}

}  // namespace
}  // namespace sqlrl::cuda

extern "C" cudaError_t sqlrl_cuda_sample_f32(const float* logits, int32_t rows, int32_t vocab,
                                             sqlrl_cuda_sampling settings, uint64_t seed, uint64_t step,
                                             int32_t* out_tokens, float* out_logprobs, cudaStream_t stream) {
  return sqlrl::cuda::launch_sample(logits, rows, vocab, settings, seed, step, out_tokens, out_logprobs, stream);
}

extern "C" cudaError_t sqlrl_cuda_sample_bf16(const uint16_t* logits, int32_t rows, int32_t vocab,
                                              sqlrl_cuda_sampling settings, uint64_t seed, uint64_t step,
                                              int32_t* out_tokens, float* out_logprobs, cudaStream_t stream) {
  return sqlrl::cuda::launch_sample(reinterpret_cast<const __nv_bfloat16*>(logits), rows, vocab, settings, seed, step,
                                    out_tokens, out_logprobs, stream);
}
