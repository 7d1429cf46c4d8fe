// The fused decode kernels against native/src/decode_math.h, the math libsqlrl's CPU path runs: fp32 within
// 1e-5 (only the summation order differs), bf16 within a few bf16 steps (a different order can move a rounding).
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <type_traits>

#include "decode_math.h"
#include "kernel_tests.h"
#include "sqlrl_cuda_kernels.h"

namespace sqlrl::cuda::test {
namespace {

// bf16 on the host for decode_math's templates: conversions written independently of CUDA's.
struct HostBf16 {
  uint16_t bits = 0;
  HostBf16() = default;
  explicit HostBf16(float value) : bits(float_to_bf16(value)) {}
  explicit operator float() const { return bf16_to_float(bits); }
};
static_assert(sizeof(HostBf16) == sizeof(uint16_t), "HostBf16 must be the raw bits");

template <typename T>
std::vector<T> as(const std::vector<float>& values) {
  std::vector<T> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = static_cast<T>(values[i]);
  return out;
}

template <typename T>
constexpr int32_t dtype_code() {
  return std::is_same<T, float>::value ? SQLRL_CUDA_F32 : SQLRL_CUDA_BF16;
}

template <typename T>
const char* dtype_name() {
  return std::is_same<T, float>::value ? "fp32" : "bf16";
}

// fp32: 1e-5 of the magnitude; bf16: 3 steps of 2^-8 of the magnitude.
template <typename T>
void expect_close(Checks& checks, const std::vector<T>& got, const std::vector<T>& want, const std::string& what) {
  double relative = std::is_same<T, float>::value ? 1e-5 : 3.0 / 256;
  int shown = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    float g = static_cast<float>(got[i]), w = static_cast<float>(want[i]);
    bool ok = std::fabs(g - w) <= relative * std::max(1.0f, std::fabs(w));
    if (!ok && shown++ < 3) checks.expect(false, what + " [" + std::to_string(i) + "]: " + std::to_string(g) + " vs " + std::to_string(w));
  }
}

template <typename T>
void norms_and_gate(Checks& checks) {
  const int64_t rows = 5;
  for (int64_t width : {int64_t{64}, int64_t{896}, int64_t{3584}}) {
    std::string where = std::string(dtype_name<T>()) + " width " + std::to_string(width);
    std::vector<T> x = as<T>(normal_floats(rows * width, 1.5f, 1)), delta = as<T>(normal_floats(rows * width, 0.7f, 2));
    std::vector<float> weight = normal_floats(width, 0.3f, 3);
    for (float& w : weight) w += 1.0f;
    DeviceBuffer<T> d_x(x), d_delta(delta), d_out(rows * width);
    DeviceBuffer<float> d_weight(weight);

    std::vector<T> want(rows * width), residual = x;
    for (int64_t r = 0; r < rows; ++r) decode_math::rms_norm_row(&x[r * width], weight.data(), width, 1e-6f, &want[r * width]);
    SQLRL_CUDA_CHECK(sqlrl_cuda_rms_norm(dtype_code<T>(), d_x.get(), d_weight.get(), rows, width, 1e-6f, d_out.get(), nullptr));
    expect_close(checks, d_out.download(), want, where + " rms_norm");

    for (int64_t r = 0; r < rows; ++r) {
      decode_math::add_rms_norm_row(&residual[r * width], &delta[r * width], weight.data(), width, 1e-6f, &want[r * width]);
    }
    SQLRL_CUDA_CHECK(sqlrl_cuda_add_rms_norm(dtype_code<T>(), d_x.get(), d_delta.get(), d_weight.get(), rows, width, 1e-6f,
                                             d_out.get(), nullptr));
    expect_close(checks, d_out.download(), want, where + " add_rms_norm out");
    expect_close(checks, d_x.download(), residual, where + " add_rms_norm residual");

    for (int64_t r = 0; r < rows; ++r) decode_math::silu_mul_row(&x[r * width], &delta[r * width], width, &want[r * width]);
    DeviceBuffer<T> d_gate(x);
    SQLRL_CUDA_CHECK(sqlrl_cuda_silu_mul(dtype_code<T>(), d_gate.get(), d_delta.get(), rows * width, d_out.get(), nullptr));
    expect_close(checks, d_out.download(), want, where + " silu_mul");
  }
}

// Rows of `prompts` prompts x `samples` samples, each at a position past its prompt (slot < capacity).
struct DecodeLayout {
  int32_t prompts = 2, samples = 3, heads = 14, kv_heads = 2, head_dim = 64, prompt_capacity = 20, capacity = 10;
  int32_t window = 0;
  std::vector<int64_t> prompt_lengths{13, 20};
  int32_t rows() const { return prompts * samples; }
  std::vector<int64_t> positions() const {
    std::vector<int64_t> out;
    for (int32_t r = 0; r < rows(); ++r) out.push_back(prompt_lengths[r / samples] + (r * 7 + 3) % capacity);
    return out;
  }
};

std::vector<float> rope_frequencies(int32_t head_dim) {
  std::vector<float> inv_freq(head_dim / 2);
  for (int32_t i = 0; i < head_dim / 2; ++i) inv_freq[i] = static_cast<float>(std::pow(10000.0, -2.0 * i / head_dim));
  return inv_freq;
}

template <typename T>
void rope_and_store(Checks& checks) {
  for (bool norms : {false, true}) {
    DecodeLayout l;
    std::string where = std::string(dtype_name<T>()) + (norms ? " with q/k norms" : "");
    int64_t d = l.head_dim, rows = l.rows();
    std::vector<int64_t> positions = l.positions();
    std::vector<T> q = as<T>(normal_floats(rows * l.heads * d, 1.0f, 4));
    std::vector<T> k = as<T>(normal_floats(rows * l.kv_heads * d, 1.0f, 5)), v = as<T>(normal_floats(rows * l.kv_heads * d, 1.0f, 6));
    std::vector<float> inv_freq = rope_frequencies(l.head_dim), q_norm = normal_floats(d, 0.2f, 7), k_norm = normal_floats(d, 0.2f, 8);
    for (float& w : q_norm) w += 1.0f;
    for (float& w : k_norm) w += 1.0f;
    DeviceBuffer<T> d_q(q), d_k(k), d_v(v), d_keys(rows * l.kv_heads * l.capacity * d), d_values(d_keys.bytes() / sizeof(T));
    d_keys.poison();
    d_values.poison();
    DeviceBuffer<int64_t> d_positions(positions), d_lengths(l.prompt_lengths);
    DeviceBuffer<float> d_freq(inv_freq), d_qn(q_norm), d_kn(k_norm);
    sqlrl_cuda_decode_rows decode_rows{d_positions.get(), d_lengths.get(), l.rows(), l.samples, 0};
    sqlrl_cuda_attention_shape shape{l.heads, l.kv_heads, l.head_dim, l.prompt_capacity, l.capacity};
    SQLRL_CUDA_CHECK(sqlrl_cuda_rope_and_store(dtype_code<T>(), d_q.get(), d_k.get(), d_v.get(), decode_rows, shape,
                                               d_freq.get(), norms ? d_qn.get() : nullptr, norms ? d_kn.get() : nullptr,
                                               1e-6f, d_keys.get(), d_values.get(), nullptr));
    std::vector<T> want_q = q, got_keys = d_keys.download(), got_values = d_values.download();
    std::vector<T> want_k(d), got_k(d), want_v(d), got_v(d);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t h = 0; h < l.heads; ++h) {
        T* head = &want_q[(r * l.heads + h) * d];
        if (norms) decode_math::rms_norm_row(head, q_norm.data(), d, 1e-6f, head);
        decode_math::rope_head(head, d, positions[r], inv_freq.data());
      }
      int64_t slot = positions[r] - l.prompt_lengths[r / l.samples];
      for (int64_t g = 0; g < l.kv_heads; ++g) {
        std::copy_n(&k[(r * l.kv_heads + g) * d], d, want_k.begin());
        if (norms) decode_math::rms_norm_row(want_k.data(), k_norm.data(), d, 1e-6f, want_k.data());
        decode_math::rope_head(want_k.data(), d, positions[r], inv_freq.data());
        int64_t target = ((r * l.kv_heads + g) * l.capacity + slot) * d;
        std::copy_n(&got_keys[target], d, got_k.begin());
        std::copy_n(&got_values[target], d, got_v.begin());
        std::copy_n(&v[(r * l.kv_heads + g) * d], d, want_v.begin());
        expect_close(checks, got_k, want_k, where + " key row " + std::to_string(r));
        expect_close(checks, got_v, want_v, where + " value row " + std::to_string(r));
      }
    }
    expect_close(checks, d_q.download(), want_q, where + " q");
    // Only each row's own slot is written: the others keep the poison.
    int64_t written = 0;
    for (const T& value : got_keys) written += !std::isnan(static_cast<float>(value));
    checks.expect(written == rows * l.kv_heads * d, where + ": " + std::to_string(written) + " key values written");
  }
}

template <typename T>
void attention_case(Checks& checks, const DecodeLayout& l, const std::string& name) {
  std::string where = std::string(dtype_name<T>()) + " " + name;
  int64_t d = l.head_dim, rows = l.rows();
  std::vector<int64_t> positions = l.positions();
  std::vector<T> q = as<T>(normal_floats(rows * l.heads * d, 1.0f, 9));
  std::vector<T> prompt_k = as<T>(normal_floats(static_cast<size_t>(l.prompts) * l.kv_heads * l.prompt_capacity * d, 1.0f, 10));
  std::vector<T> prompt_v = as<T>(normal_floats(prompt_k.size(), 1.0f, 11));
  std::vector<T> gen_k = as<T>(normal_floats(static_cast<size_t>(rows) * l.kv_heads * l.capacity * d, 1.0f, 12));
  std::vector<T> gen_v = as<T>(normal_floats(gen_k.size(), 1.0f, 13));
  DeviceBuffer<T> d_q(q), d_pk(prompt_k), d_pv(prompt_v), d_gk(gen_k), d_gv(gen_v), d_out(q.size());
  d_out.poison();
  DeviceBuffer<int64_t> d_positions(positions), d_lengths(l.prompt_lengths);
  sqlrl_cuda_decode_rows decode_rows{d_positions.get(), d_lengths.get(), l.rows(), l.samples, l.window};
  sqlrl_cuda_attention_shape shape{l.heads, l.kv_heads, l.head_dim, l.prompt_capacity, l.capacity};
  SQLRL_CUDA_CHECK(sqlrl_cuda_shared_prompt_attention(dtype_code<T>(), d_q.get(), d_pk.get(), d_pv.get(), d_gk.get(),
                                                      d_gv.get(), decode_rows, shape, d_out.get(), nullptr));
  std::vector<T> want(q.size());
  std::vector<float> scratch(d + l.prompt_capacity + l.capacity);
  int64_t group = l.heads / l.kv_heads;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t prompt = r / l.samples;
    decode_math::VisibleKeys visible = decode_math::visible_keys(positions[r], l.prompt_lengths[prompt], l.window);
    for (int64_t h = 0; h < l.heads; ++h) {
      int64_t g = h / group;
      int64_t pb = ((prompt * l.kv_heads + g) * l.prompt_capacity + visible.prompt_begin) * d;
      int64_t gb = ((r * l.kv_heads + g) * l.capacity + visible.generated_begin) * d;
      decode_math::attend_head(&q[(r * l.heads + h) * d], d, &prompt_k[pb], &prompt_v[pb],
                               visible.prompt_end - visible.prompt_begin, &gen_k[gb], &gen_v[gb],
                               visible.generated_end - visible.generated_begin, d, scratch.data(),
                               &want[(r * l.heads + h) * d]);
    }
  }
  expect_close(checks, d_out.download(), want, where);
}

template <typename T>
void shared_prompt_attention(Checks& checks) {
  DecodeLayout qwen;  // 0.5B's grouping: 14 query heads over 2 kv heads
  attention_case<T>(checks, qwen, "14/2 heads, dim 64");
  DecodeLayout window = qwen;
  window.window = 5;  // cuts into the prompt for some rows and into the generated keys for others
  attention_case<T>(checks, window, "sliding window 5");
  DecodeLayout wide;  // a group above the 8 heads a block takes, head_dim 128
  wide.heads = 16;
  wide.kv_heads = 1;
  wide.head_dim = 128;
  attention_case<T>(checks, wide, "16/1 heads, dim 128");
  DecodeLayout narrow;  // no grouping, head_dim below a warp
  narrow.heads = narrow.kv_heads = 4;
  narrow.head_dim = 16;
  narrow.prompts = 3;
  narrow.samples = 1;
  narrow.prompt_lengths = {1, 20, 7};
  attention_case<T>(checks, narrow, "4/4 heads, dim 16");
}

void launchers_reject_bad_shapes(Checks& checks) {
  DeviceBuffer<float> buffer(4096);
  DeviceBuffer<int64_t> positions(std::vector<int64_t>{3}), lengths(std::vector<int64_t>{2});
  sqlrl_cuda_decode_rows rows{positions.get(), lengths.get(), 1, 1, 0};
  auto attention = [&](sqlrl_cuda_attention_shape shape, int32_t dtype) {
    return sqlrl_cuda_shared_prompt_attention(dtype, buffer.get(), buffer.get(), buffer.get(), buffer.get(),
                                              buffer.get(), rows, shape, buffer.get(), nullptr);
  };
  checks.expect(attention({4, 3, 16, 4, 4}, SQLRL_CUDA_F32) == cudaErrorInvalidValue, "heads not a multiple of kv heads");
  checks.expect(attention({4, 4, 15, 4, 4}, SQLRL_CUDA_F32) == cudaErrorInvalidValue, "odd head_dim");
  checks.expect(attention({1, 1, 258, 4, 4}, SQLRL_CUDA_F32) == cudaErrorInvalidValue, "head_dim over 256");
  checks.expect(attention({4, 4, 16, 4, 4}, 7) == cudaErrorInvalidValue, "unknown dtype");
  checks.expect(sqlrl_cuda_rms_norm(SQLRL_CUDA_F32, buffer.get(), buffer.get(), 0, 16, 1e-6f, buffer.get(), nullptr) ==
                    cudaErrorInvalidValue,
                "no rows");
}

}  // namespace

void register_decode_tests(std::vector<KernelTest>& tests) {
  tests.push_back({"decode norms and SwiGLU gate (fp32) match decode_math", norms_and_gate<float>});
  tests.push_back({"decode norms and SwiGLU gate (bf16) match decode_math", norms_and_gate<HostBf16>});
  tests.push_back({"RoPE + K/V store (fp32) match decode_math", rope_and_store<float>});
  tests.push_back({"RoPE + K/V store (bf16) match decode_math", rope_and_store<HostBf16>});
  tests.push_back({"shared-prompt attention (fp32) matches decode_math", shared_prompt_attention<float>});
  tests.push_back({"shared-prompt attention (bf16) matches decode_math", shared_prompt_attention<HostBf16>});
  tests.push_back({"decode launchers reject bad shapes", launchers_reject_bad_shapes});
}

}  // namespace sqlrl::cuda::test
