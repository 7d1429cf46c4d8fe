// NF4 kernels against the CPU codec (native/src/nf4_codec): dequantize bit for bit, the fused GEMV
// against dequantize + a double-precision matmul within bf16 tolerance.
#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "cuda_test_support.h"
#include "kernel_tests.h"
#include "nf4_codec.h"
#include "sqlrl_cuda_kernels.h"

namespace sqlrl::cuda::test {
namespace {

constexpr int kBlock = SQLRL_CUDA_NF4_BLOCK;
constexpr int kAbsmaxBlock = 256;  // as FrozenLinear stores double-quantized absmax

// A weight quantized by the CPU codec, its reference fp32 values, and device copies of its parts.
struct QuantizedWeight {
  std::vector<uint8_t> codes;
  std::vector<float> absmax;  // the absmax that dequantize uses (after double quantization if any)
  std::vector<float> dequantized;
  std::unique_ptr<DeviceBuffer<uint8_t>> device_codes;
  std::unique_ptr<DeviceBuffer<float>> device_absmax, device_scales;
  std::unique_ptr<DeviceBuffer<int8_t>> device_absmax_codes;
  sqlrl_cuda_nf4_absmax absmax_view{};
};

// Normal values of per-block varying magnitude, with every 7th block all zero (absmax 0).
std::vector<float> random_weight_values(int64_t n, uint32_t seed) {
  std::mt19937 generator(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> magnitude(0.001f, 0.2f);
  std::vector<float> values(n);
  for (int64_t block = 0; block < n / kBlock; ++block) {
    float scale = block % 7 == 3 ? 0.0f : magnitude(generator);
    for (int i = 0; i < kBlock; ++i) values[block * kBlock + i] = scale * normal(generator);
  }
  return values;
}

QuantizedWeight quantize_on_cpu(const std::vector<float>& values, bool double_quant) {
  QuantizedWeight weight;
  int64_t n = static_cast<int64_t>(values.size()), blocks = n / kBlock;
  weight.codes.resize(n / 2);
  weight.absmax.resize(blocks);
  nf4::quantize(values.data(), n, kBlock, weight.codes.data(), weight.absmax.data());
  weight.device_codes = std::make_unique<DeviceBuffer<uint8_t>>(weight.codes);
  if (double_quant) {
    std::vector<int8_t> absmax_codes(blocks);
    std::vector<float> scales(nf4::absmax_block_count(blocks, kAbsmaxBlock));
    float offset = 0.0f;
    nf4::quantize_absmax(weight.absmax.data(), blocks, kAbsmaxBlock, absmax_codes.data(), scales.data(), &offset);
    nf4::dequantize_absmax(absmax_codes.data(), scales.data(), offset, blocks, kAbsmaxBlock, weight.absmax.data());
    weight.device_absmax_codes = std::make_unique<DeviceBuffer<int8_t>>(absmax_codes);
    weight.device_scales = std::make_unique<DeviceBuffer<float>>(scales);
    weight.absmax_view = {nullptr, weight.device_absmax_codes->get(), weight.device_scales->get(), offset, kAbsmaxBlock};
  } else {
    weight.device_absmax = std::make_unique<DeviceBuffer<float>>(weight.absmax);
    weight.absmax_view = {weight.device_absmax->get(), nullptr, nullptr, 0.0f, kAbsmaxBlock};
  }
  weight.dequantized.resize(n);
  nf4::dequantize(weight.codes.data(), weight.absmax.data(), n, kBlock, weight.dequantized.data());
  return weight;
}

std::string describe(int64_t n, bool double_quant) {
  return "n=" + std::to_string(n) + (double_quant ? " double-quantized" : " plain absmax");
}

void dequantize_equals_cpu_codec_bit_for_bit(Checks& checks) {
  // 1 block; 257 blocks (a short last absmax block); odd block counts; 1M values (many grid strides).
  for (int64_t n : {int64_t{64}, int64_t{64 * 257}, int64_t{64 * 1001}, int64_t{1} << 20}) {
    for (bool double_quant : {false, true}) {
      QuantizedWeight weight = quantize_on_cpu(random_weight_values(n, static_cast<uint32_t>(n) + double_quant),
                                               double_quant);
      DeviceBuffer<float> out_f32(n);
      DeviceBuffer<uint16_t> out_bf16(n);
      out_f32.poison();
      out_bf16.poison();
      SQLRL_CUDA_CHECK(sqlrl_cuda_nf4_dequantize_f32(weight.device_codes->get(), weight.absmax_view, n, out_f32.get(), 0));
      SQLRL_CUDA_CHECK(
          sqlrl_cuda_nf4_dequantize_bf16(weight.device_codes->get(), weight.absmax_view, n, out_bf16.get(), 0));
      SQLRL_CUDA_CHECK(cudaDeviceSynchronize());
      std::vector<float> f32 = out_f32.download();
      std::vector<uint16_t> bf16 = out_bf16.download();
      int64_t f32_mismatches = 0, bf16_mismatches = 0, first = -1;
      for (int64_t i = 0; i < n; ++i) {
        bool f32_equal = float_bits(f32[i]) == float_bits(weight.dequantized[i]);
        bool bf16_equal = bf16[i] == float_to_bf16(weight.dequantized[i]);
        f32_mismatches += !f32_equal;
        bf16_mismatches += !bf16_equal;
        if ((!f32_equal || !bf16_equal) && first < 0) first = i;
      }
      std::ostringstream what;
      what << "dequantize " << describe(n, double_quant) << ": " << f32_mismatches << " fp32 and " << bf16_mismatches
           << " bf16 values differ from nf4_codec, first at " << first;
      checks.expect(f32_mismatches == 0 && bf16_mismatches == 0, what.str());
    }
  }
}

// y = x W^T with x bf16 [m, k], W NF4 [n_out, k]; reference in double over the codec's fp32 weight.
struct GemmShape {
  int m;
  int64_t n_out, k;
};

// y [m, n_out] (bf16, from a kernel) against x . W^T in double over the CPU codec's dequantized W: within
// bf16 output rounding plus fp32 accumulation over k, and 4e-3 relative L2 overall.
void check_against_matmul(Checks& checks, const std::string& kernel, const GemmShape& shape, bool double_quant,
                          const QuantizedWeight& weight, const std::vector<uint16_t>& x, const std::vector<uint16_t>& y) {
  int64_t bad = 0;
  double error_squares = 0.0, reference_squares = 0.0;
  std::string first_bad;
  for (int row = 0; row < shape.m; ++row) {
    for (int64_t out = 0; out < shape.n_out; ++out) {
      double reference = 0.0, magnitude = 0.0;
      for (int64_t i = 0; i < shape.k; ++i) {
        double product = static_cast<double>(bf16_to_float(x[row * shape.k + i])) * weight.dequantized[out * shape.k + i];
        reference += product;
        magnitude += std::fabs(product);
      }
      double got = bf16_to_float(y[row * shape.n_out + out]);
      // bf16 output rounding (half an ulp is 2^-9 relative) plus fp32 accumulation over k terms.
      double tolerance = std::ldexp(std::fabs(reference), -8) + 1e-5 * magnitude + 1e-30;
      double error = std::fabs(got - reference);
      if (!(error <= tolerance)) {
        if (bad++ == 0) first_bad = "y[" + std::to_string(row) + "," + std::to_string(out) + "] = " +
                                    std::to_string(got) + ", reference " + std::to_string(reference);
      }
      error_squares += error * error;
      reference_squares += reference * reference;
    }
  }
  double relative = std::sqrt(error_squares / (reference_squares > 0 ? reference_squares : 1.0));
  std::ostringstream what;
  what << kernel << " m=" << shape.m << " n=" << shape.n_out << " k=" << shape.k << (double_quant ? " dq" : "") << ": "
       << bad << " outputs outside tolerance (first " << first_bad << "), relative error " << relative;
  checks.expect(bad == 0 && relative < 4e-3, what.str());
}

std::vector<uint16_t> random_bf16_rows(const GemmShape& shape, std::mt19937& generator) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<uint16_t> x(static_cast<size_t>(shape.m) * shape.k);
  for (uint16_t& value : x) value = float_to_bf16(uniform(generator));
  return x;
}

void gemv_matches_dequantized_matmul(Checks& checks) {
  const GemmShape shapes[] = {{1, 1, 64},   {1, 97, 128},   {3, 257, 1024}, {16, 1001, 896}, {5, 33, 4864},
                              {2, 129, 64}, {8, 77, 3584},  {16, 3, 18944}, {1, 4864, 896}, {12, 511, 1536}};
  std::mt19937 generator(1234);
  int shape_index = 0;
  for (const GemmShape& shape : shapes) {
    bool double_quant = shape_index++ % 2 == 1;
    QuantizedWeight weight =
        quantize_on_cpu(random_weight_values(shape.n_out * shape.k, 99 + shape_index), double_quant);
    std::vector<uint16_t> x = random_bf16_rows(shape, generator);
    DeviceBuffer<uint16_t> device_x(x), device_y(static_cast<size_t>(shape.m) * shape.n_out);
    device_y.poison();
    SQLRL_CUDA_CHECK(sqlrl_cuda_nf4_gemv_bf16(device_x.get(), weight.device_codes->get(), weight.absmax_view, shape.m,
                                              shape.n_out, shape.k, device_y.get(), 0));
    SQLRL_CUDA_CHECK(cudaDeviceSynchronize());
    check_against_matmul(checks, "gemv", shape, double_quant, weight, x, device_y.download());
  }
}

// The tensor-core GEMM over the decode batches it is for (17..64 rows; 1 as the edge), partial m tiles,
// n_out off the 64-column tile, k from one tile to the 7B MLP's 18944 (many k splits).
void gemm_matches_dequantized_matmul(Checks& checks) {
  const GemmShape shapes[] = {{64, 896, 896},  {17, 97, 128},   {33, 1001, 896}, {48, 512, 3584}, {64, 3584, 3584},
                              {24, 3, 18944},  {1, 129, 64},    {63, 4864, 896}, {32, 77, 1536},  {64, 130, 4864}};
  std::mt19937 generator(4321);
  int shape_index = 0;
  for (const GemmShape& shape : shapes) {
    bool double_quant = shape_index++ % 2 == 1;
    QuantizedWeight weight =
        quantize_on_cpu(random_weight_values(shape.n_out * shape.k, 199 + shape_index), double_quant);
    std::vector<uint16_t> x = random_bf16_rows(shape, generator);
    int64_t workspace_floats = sqlrl_cuda_nf4_gemm_workspace(shape.m, shape.n_out, shape.k);
    checks.expect(workspace_floats >= static_cast<int64_t>(shape.m) * shape.n_out, "gemm workspace size");
    DeviceBuffer<uint16_t> device_x(x), device_y(static_cast<size_t>(shape.m) * shape.n_out);
    DeviceBuffer<float> workspace(static_cast<size_t>(std::max<int64_t>(workspace_floats, 1)));
    device_y.poison();
    workspace.poison();
    SQLRL_CUDA_CHECK(sqlrl_cuda_nf4_gemm_bf16(device_x.get(), weight.device_codes->get(), weight.absmax_view, shape.m,
                                              shape.n_out, shape.k, workspace.get(), workspace_floats, device_y.get(), 0));
    SQLRL_CUDA_CHECK(cudaDeviceSynchronize());
    std::vector<uint16_t> y = device_y.download();
    check_against_matmul(checks, "gemm", shape, double_quant, weight, x, y);
    // Deterministic: a second call gives the same bits.
    SQLRL_CUDA_CHECK(sqlrl_cuda_nf4_gemm_bf16(device_x.get(), weight.device_codes->get(), weight.absmax_view, shape.m,
                                              shape.n_out, shape.k, workspace.get(), workspace_floats, device_y.get(), 0));
    checks.expect(device_y.download() == y, "gemm m=" + std::to_string(shape.m) + " repeats bit for bit");
  }
}

void launchers_reject_bad_arguments(Checks& checks) {
  QuantizedWeight weight = quantize_on_cpu(random_weight_values(64 * 64, 5), false);
  DeviceBuffer<uint16_t> x(17 * 64), y(17 * 64);
  checks.expect(sqlrl_cuda_nf4_gemv_bf16(x.get(), weight.device_codes->get(), weight.absmax_view, 17, 64, 64, y.get(),
                                         0) == cudaErrorInvalidValue,
                "gemv rejects m = 17");
  checks.expect(sqlrl_cuda_nf4_gemv_bf16(x.get(), weight.device_codes->get(), weight.absmax_view, 1, 32, 96, y.get(),
                                         0) == cudaErrorInvalidValue,
                "gemv rejects k = 96 (not a multiple of 64)");
  checks.expect(sqlrl_cuda_nf4_gemv_bf16(x.get(), weight.device_codes->get() + 4, weight.absmax_view, 1, 32, 64,
                                         y.get(), 0) == cudaErrorMisalignedAddress,
                "gemv rejects codes that are not 16-byte aligned");
  DeviceBuffer<float> workspace(65 * 64);
  checks.expect(sqlrl_cuda_nf4_gemm_workspace(65, 64, 64) == -1, "gemm takes at most 64 rows");
  checks.expect(sqlrl_cuda_nf4_gemm_bf16(x.get(), weight.device_codes->get(), weight.absmax_view, 2, 64, 96,
                                         workspace.get(), 65 * 64, y.get(), 0) == cudaErrorInvalidValue,
                "gemm rejects k = 96 (not a multiple of 64)");
  checks.expect(sqlrl_cuda_nf4_gemm_bf16(x.get(), weight.device_codes->get(), weight.absmax_view, 2, 64, 64,
                                         workspace.get(), 1, y.get(), 0) == cudaErrorInvalidValue,
                "gemm rejects a workspace that is too small");
  DeviceBuffer<float> out(64 * 64);
  checks.expect(sqlrl_cuda_nf4_dequantize_f32(weight.device_codes->get(), weight.absmax_view, 100, out.get(), 0) ==
                    cudaErrorInvalidValue,
                "dequantize rejects n = 100");
  sqlrl_cuda_nf4_absmax missing{nullptr, nullptr, nullptr, 0.0f, 256};
  checks.expect(sqlrl_cuda_nf4_dequantize_f32(weight.device_codes->get(), missing, 64, out.get(), 0) ==
                    cudaErrorInvalidValue,
                "dequantize rejects an absmax with neither plain nor double-quantized values");
}

}  // namespace

void register_nf4_tests(std::vector<KernelTest>& tests) {
  tests.push_back({"nf4 dequantize equals the CPU codec bit for bit", dequantize_equals_cpu_codec_bit_for_bit});
  tests.push_back({"nf4 gemv matches dequantize + matmul", gemv_matches_dequantized_matmul});
  tests.push_back({"nf4 tensor-core gemm matches dequantize + matmul", gemm_matches_dequantized_matmul});
  tests.push_back({"nf4 launchers reject bad arguments", launchers_reject_bad_arguments});
}

}  // namespace sqlrl::cuda::test
