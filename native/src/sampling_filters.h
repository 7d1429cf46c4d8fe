// Top-k / top-p filtering and the CPU draw of generate: the rule of Hugging Face's TopKLogitsWarper and
// TopPLogitsWarper, so that a configured top_k / top_p samples from the same tokens as transformers.
#pragma once
#include <ATen/ATen.h>

namespace sqlrl {

// Logits below the k-th largest of their row become -inf; ties with the k-th value stay.
at::Tensor keep_top_k(const at::Tensor& logits, int64_t top_k);

// Nucleus filter of each row; dropped logits become -inf, the most probable token always stays.
at::Tensor keep_top_p(const at::Tensor& logits, double top_p);

// One token per row from softmax(scaled) after top_k (0: off) then top_p (1: off), as transformers applies them.
at::Tensor sample_filtered(const at::Tensor& scaled, int64_t top_k, double top_p, at::Generator& generator);

// The same filters, then row r's token drawn by the Gumbel-max trick with noise from Philox 4x32-10 keyed by
// row_seeds[r] (int64 [rows], on the CPU) at counter (i / 4, 0, step): what the CUDA sampling kernel computes
// with row seeds, so that a row draws the same whatever other rows share the call.
at::Tensor sample_keyed(const at::Tensor& scaled, int64_t top_k, double top_p, const at::Tensor& row_seeds,
                        uint64_t step);

}  // namespace sqlrl
