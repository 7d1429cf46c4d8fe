#include "rope.h"

#include <cmath>

#include "api_guard.h"

namespace sqlrl {

void validate_rope_llama3(const RopeLlama3& scaling) {
  check_arg(scaling.factor > 0, "rope llama3 factor must be > 0, got " + std::to_string(scaling.factor));
  check_arg(scaling.low_freq_factor > 0,
            "rope llama3 low_freq_factor must be > 0, got " + std::to_string(scaling.low_freq_factor));
  check_arg(scaling.high_freq_factor > scaling.low_freq_factor,
            "rope llama3 high_freq_factor must be > low_freq_factor " + std::to_string(scaling.low_freq_factor) +
                ", got " + std::to_string(scaling.high_freq_factor));
  check_arg(scaling.original_context > 0, "rope llama3 original_max_position_embeddings must be > 0, got " +
                                              std::to_string(scaling.original_context));
}

// Each step in fp32 tensor ops in transformers' order (Python's `c / t` is t.reciprocal() * c there).
static at::Tensor llama3_scaled(const at::Tensor& inv_freq, const RopeLlama3& s) {
  double low_freq_wavelen = s.original_context / s.low_freq_factor;
  double high_freq_wavelen = s.original_context / s.high_freq_factor;
  at::Tensor wavelen = inv_freq.reciprocal() * (2 * M_PI);
  at::Tensor scaled = at::where(wavelen > low_freq_wavelen, inv_freq / s.factor, inv_freq);
  at::Tensor smooth = (wavelen.reciprocal() * s.original_context - s.low_freq_factor) /
                      (s.high_freq_factor - s.low_freq_factor);
  at::Tensor smoothed = (1 - smooth) * scaled / s.factor + smooth * scaled;
  at::Tensor medium = (wavelen < high_freq_wavelen).logical_not().logical_and((wavelen > low_freq_wavelen).logical_not());
  return at::where(medium, smoothed, scaled);
}

at::Tensor rope_inverse_frequencies(int64_t head_dim, double rope_theta, const RopeLlama3& scaling) {
  at::Tensor exponents = at::arange(0, head_dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(head_dim);
  at::Tensor inv_freq = at::pow(at::Scalar(rope_theta), exponents).reciprocal();
  return scaling.factor > 0 ? llama3_scaled(inv_freq, scaling) : inv_freq;
}

}  // namespace sqlrl
