/*
 * sqlrl CUDA kernels: plain CUDA C++ (no libtorch) behind a C launcher API, so that they build with
 * nvcc alone and libsqlrl (or anything else) can call them on tensors' device pointers.
 *
 * Every launcher takes device pointers, sizes and a stream, queues its work on that stream and
 * returns cudaSuccess, cudaErrorInvalidValue (a size or setting out of range; nothing is launched),
 * cudaErrorMisalignedAddress (a pointer that the kernel reads or writes in 16-byte vectors is not
 * 16-byte aligned; cudaMalloc'd and freshly allocated tensors always are) or the launch error.
 *
 * bf16 data are passed as uint16_t (the raw bits of __nv_bfloat16) to keep this header plain C.
 */
#ifndef SQLRL_CUDA_KERNELS_H
#define SQLRL_CUDA_KERNELS_H

#include <cuda_runtime_api.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* NF4 block size: values per absmax, as bitsandbytes and native/src/nf4_codec use it. */
#define SQLRL_CUDA_NF4_BLOCK 64

/*
 * The absmax of each 64-value NF4 block: either plain fp32 (absmax != NULL), or double-quantized
 * exactly as nf4_codec's quantize_absmax stores it (absmax == NULL):
 *   absmax[b] = (float)absmax_codes[b] / 127 * absmax_scales[b / absmax_block] + absmax_offset.
 */
typedef struct sqlrl_cuda_nf4_absmax {
  const float* absmax;         /* [blocks] or NULL */
  const int8_t* absmax_codes;  /* [blocks] when double-quantized */
  const float* absmax_scales;  /* [ceil(blocks / absmax_block)] when double-quantized */
  float absmax_offset;
  int32_t absmax_block;        /* values per scale (256 in bitsandbytes and sqlrl) */
} sqlrl_cuda_nf4_absmax;

/*
 * NF4 dequantize: codes[n / 2] (two codes a byte, the first element in the HIGH nibble) -> out[n],
 * bit-identical to nf4_codec's dequantize (+ dequantize_absmax), the bf16 variant rounding that
 * fp32 value to nearest-even. n must be a multiple of 64. codes: 4-byte aligned; out: 16-byte aligned.
 */
cudaError_t sqlrl_cuda_nf4_dequantize_f32(const uint8_t* codes, sqlrl_cuda_nf4_absmax absmax, int64_t n,
                                          float* out, cudaStream_t stream);
cudaError_t sqlrl_cuda_nf4_dequantize_bf16(const uint8_t* codes, sqlrl_cuda_nf4_absmax absmax, int64_t n,
                                           uint16_t* out, cudaStream_t stream);

/* Largest batch the fused GEMV takes; larger batches: dequantize + a cuBLAS GEMM. */
#define SQLRL_CUDA_NF4_GEMV_MAX_M 16

/*
 * Fused NF4 GEMV / skinny GEMM for decode: y[m, n] = sum_k x[m, k] * W[n, k], with W the NF4 weight
 * [n_out, k] (row-major, as a Linear's weight), dequantized inside the dot product (no dense copy),
 * fp32 accumulation, bf16 x and y (row-major, contiguous). 1 <= m <= 16; k a positive multiple of 64;
 * any n_out >= 1. x and codes: 16-byte aligned. y must not overlap x.
 */
cudaError_t sqlrl_cuda_nf4_gemv_bf16(const uint16_t* x, const uint8_t* codes, sqlrl_cuda_nf4_absmax absmax,
                                     int32_t m, int64_t n_out, int64_t k, uint16_t* y, cudaStream_t stream);

/* Largest batch the tensor-core NF4 GEMM takes. */
#define SQLRL_CUDA_NF4_GEMM_MAX_M 64

/*
 * Floats of fp32 workspace that sqlrl_cuda_nf4_gemm_bf16 needs for this shape on the current device (partial sums
 * of its k splits), or -1 for a shape it does not take: m outside 1..64, k not a positive multiple of 64, n_out < 1.
 */
int64_t sqlrl_cuda_nf4_gemm_workspace(int32_t m, int64_t n_out, int64_t k);

/*
 * Tensor-core NF4 GEMM for decode batches up to 64 rows: y[m, n] = sum_k x[m, k] * W[n, k], W the NF4 weight
 * [n_out, k] dequantized tile by tile into shared memory exactly as the dequantize kernel rounds it (bf16), bf16
 * mma with fp32 accumulation, splits of k added in a fixed order (deterministic). x and codes 16-byte aligned;
 * workspace at least sqlrl_cuda_nf4_gemm_workspace(m, n_out, k) floats (device memory, overwritten).
 */
cudaError_t sqlrl_cuda_nf4_gemm_bf16(const uint16_t* x, const uint8_t* codes, sqlrl_cuda_nf4_absmax absmax,
                                     int32_t m, int64_t n_out, int64_t k, float* workspace, int64_t workspace_floats,
                                     uint16_t* y, cudaStream_t stream);

/*
 * Token sampling settings, the semantics of sqlrl_generate (native/include/sqlrl.h):
 * greedy != 0: argmax (ties: lowest id), log-prob under the unscaled distribution (temperature 1).
 * Otherwise logits / temperature, then top-k (top_k <= 0 or >= vocab: off; ties with the k-th value
 * stay), then top-p as Hugging Face's TopPLogitsWarper (top_p >= 1: off; the smallest set of most
 * probable tokens holding top_p of the top-k mass; ties at the boundary all stay), then one draw.
 * The log-prob is under the temperature-scaled distribution before top-k/top-p.
 */
typedef struct sqlrl_cuda_sampling {
  int32_t greedy;
  float temperature; /* > 0 unless greedy */
  int32_t top_k;
  float top_p;       /* in (0, 1] unless greedy */
  /* device [rows] or null: row r's noise is keyed by row_seeds[r] at counter (i / 4, 0, step) instead of by seed at
   * (i / 4, r, step), so that a row draws the same whatever rows share its launch */
  const uint64_t* row_seeds;
} sqlrl_cuda_sampling;

/*
 * Samples one token per row of logits[rows, vocab] (row-major, contiguous) into out_tokens[rows] and
 * out_logprobs[rows]. The draw is the Gumbel-max trick over the kept tokens, the noise of token i of
 * row r coming from Philox 4x32-10 keyed by seed at counter (i / 4, r, step) (or by settings.row_seeds[r] at
 * (i / 4, 0, step)): the result depends on (seed, row, step) and the logits only, not on the launch shape. Each row
 * needs a finite logit.
 */
cudaError_t sqlrl_cuda_sample_f32(const float* logits, int32_t rows, int32_t vocab, sqlrl_cuda_sampling settings,
                                  uint64_t seed, uint64_t step, int32_t* out_tokens, float* out_logprobs,
                                  cudaStream_t stream);
cudaError_t sqlrl_cuda_sample_bf16(const uint16_t* logits, int32_t rows, int32_t vocab,
                                   sqlrl_cuda_sampling settings, uint64_t seed, uint64_t step,
                                   int32_t* out_tokens, float* out_logprobs, cudaStream_t stream);

/*
 * The fused operators of a decode step (libsqlrl's native/src/decode_ops.h; their math, one row at a time, is
 * native/src/decode_math.h, which the tests compare with). Values are the compute dtype, SQLRL_CUDA_F32 or
 * SQLRL_CUDA_BF16 (raw bits); norm weights and RoPE frequencies are fp32. Every tensor is row-major and
 * contiguous; nothing is allocated, so that a CUDA graph can record them.
 */
#define SQLRL_CUDA_F32 0
#define SQLRL_CUDA_BF16 1

/* out[r] = x[r] / sqrt(mean(x[r]^2) + eps) * weight, rows of `width` values. */
cudaError_t sqlrl_cuda_rms_norm(int32_t dtype, const void* x, const float* weight, int64_t rows, int64_t width,
                                float eps, void* out, cudaStream_t stream);
/* residual[r] += delta[r] (in place, rounded to the dtype), then out[r] = rms_norm(residual[r]) * weight. */
cudaError_t sqlrl_cuda_add_rms_norm(int32_t dtype, void* residual, const void* delta, const float* weight,
                                    int64_t rows, int64_t width, float eps, void* out, cudaStream_t stream);
/* out = silu(gate) * up over `count` values. */
cudaError_t sqlrl_cuda_silu_mul(int32_t dtype, const void* gate, const void* up, int64_t count, void* out,
                                cudaStream_t stream);

/* Which keys each decode row sees: row r belongs to prompt r / samples_per_prompt, its new token sits at
 * positions[r] and goes to generated slot positions[r] - prompt_lengths[prompt]; a sliding window (> 0) keeps
 * key positions above positions[r] - sliding_window. */
typedef struct sqlrl_cuda_decode_rows {
  const int64_t* positions;       /* device [rows] */
  const int64_t* prompt_lengths;  /* device [prompts] */
  int32_t rows;
  int32_t samples_per_prompt;
  int32_t sliding_window;
} sqlrl_cuda_decode_rows;

/* heads a multiple of kv_heads; head_dim even and at most 256. Caches: prompt [prompts, kv_heads,
 * prompt_capacity, head_dim], generated [rows, kv_heads, generated_capacity, head_dim]. */
typedef struct sqlrl_cuda_attention_shape {
  int32_t heads;
  int32_t kv_heads;
  int32_t head_dim;
  int32_t prompt_capacity;
  int32_t generated_capacity;
} sqlrl_cuda_attention_shape;

/* q [rows, heads * head_dim]: (q_norm per head when not null, then) rotate-half RoPE at each row's position, in
 * place; k and v [rows, kv_heads * head_dim]: k the same with k_norm, both stored at each row's generated slot. */
cudaError_t sqlrl_cuda_rope_and_store(int32_t dtype, void* q, const void* k, const void* v,
                                      sqlrl_cuda_decode_rows rows, sqlrl_cuda_attention_shape shape,
                                      const float* inv_freq, const float* q_norm, const float* k_norm, float eps,
                                      void* generated_keys, void* generated_values, cudaStream_t stream);
/* out [rows, heads * head_dim]: each query head's softmax attention (fp32, scale 1/sqrt(head_dim)) over its kv
 * head's visible prompt keys (read from the prompt's cache, shared by its samples) and generated keys. */
cudaError_t sqlrl_cuda_shared_prompt_attention(int32_t dtype, const void* q, const void* prompt_keys,
                                               const void* prompt_values, const void* generated_keys,
                                               const void* generated_values, sqlrl_cuda_decode_rows rows,
                                               sqlrl_cuda_attention_shape shape, void* out, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif /* SQLRL_CUDA_KERNELS_H */
