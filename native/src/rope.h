// RoPE inverse frequencies, computed once when a model is finalized: the default ones and Llama 3's scaling.
#pragma once
#include <ATen/ATen.h>

#include "model_config.h"

namespace sqlrl {

// Throws InvalidArgument naming the field when the scaling parameters are unusable.
void validate_rope_llama3(const RopeLlama3& scaling);
// fp32 [head_dim / 2] on the host, as transformers' _compute_default_rope_parameters (and, when
// scaling.factor > 0, _compute_llama3_parameters) compute them.
at::Tensor rope_inverse_frequencies(int64_t head_dim, double rope_theta, const RopeLlama3& scaling);

}  // namespace sqlrl
