/*
 * sqlrl.h - the C ABI of libsqlrl, the one file the Java bindings are generated from.
 *
 * Rules that keep the ABI mechanical (bindings/src/build/GenerateBindings.java reads this file):
 *  - every function is declared as `SQLRL_API <ret> sqlrl_<name>(<params>);`
 *  - types are limited to void, int32_t, int64_t, uint64_t, float, double and pointers (among them the opaque
 *    sqlrl_model* and parameter structs, `typedef struct sqlrl_x { fields } sqlrl_x;` of those same types, each
 *    with an _init function that fills its defaults); no struct is passed by value and no enum crosses the
 *    boundary (enum values are #defines below)
 *  - every function except sqlrl_last_error, sqlrl_version, the _init and the _free functions returns a status:
 *    SQLRL_OK, or an error code with a message in sqlrl_last_error() (thread-local)
 *  - no C++ exception crosses the boundary, every input is validated
 *
 * Tensors handed in are host pointers that must stay valid only for the duration of the call.
 * Token ids are int32. Sequences are passed packed: tokens of sequence i follow those of i-1.
 *
 * Threads: a model and its sessions are used by one thread at a time (calls on one model or on any of its
 * sessions must not overlap); different models may be used from different threads. The last-error string is per
 * thread.
 */
#ifndef SQLRL_H
#define SQLRL_H

#include <stdint.h>

#ifdef __cplusplus
#define SQLRL_API extern "C" __attribute__((visibility("default")))
#else
#define SQLRL_API __attribute__((visibility("default")))
#endif

#define SQLRL_ABI_VERSION 3

/*
 * A model: its frozen weights, its LoRA adapters and their optimizer state, and its settings. Opaque and typed, so
 * that a compiler refuses anything else in its place; every call still checks that the pointer came from
 * sqlrl_model_create and was not freed.
 */
typedef struct sqlrl_model sqlrl_model;

/*
 * A session: the state one user of a model carries from call to call, apart from the model's frozen weights and
 * adapters (llama.cpp's model vs context): the pending graph between sqlrl_logprobs and sqlrl_backward, the seed of
 * the next LoRA dropout masks and the step callback of sqlrl_generate. A trainer, an evaluator and a server each
 * take their own, so that none replaces another's pending graph or advances another's dropout seeds. A session
 * keeps its model alive: sqlrl_model_free frees the model once its last session is freed too.
 */
typedef struct sqlrl_session sqlrl_session;

/* A c10d process group (data-parallel training): the ranks that train one run together. */
typedef struct sqlrl_dist sqlrl_dist;

/* status codes */
#define SQLRL_OK 0
#define SQLRL_ERR_INVALID_ARGUMENT 1
#define SQLRL_ERR_STATE 2
#define SQLRL_ERR_OUT_OF_MEMORY 3
#define SQLRL_ERR_INTERNAL 4
#define SQLRL_ERR_UNSUPPORTED 5

/* architectures */
#define SQLRL_ARCH_QWEN2 0
#define SQLRL_ARCH_LLAMA 1
/* Llama-like, no q/k/v biases, RMSNorm of each head of q and k (self_attn.q_norm / k_norm) before RoPE */
#define SQLRL_ARCH_QWEN3 2
/* Llama-like weights (upload qkv_proj / gate_up_proj split into q/k/v and gate/up); LoRA on the fused
 * projections as PEFT has it: one adapter on q,k,v together (self_attn.qkv_proj: A [r, hidden], B [q+2kv, r])
 * and one on gate,up (mlp.gate_up_proj: B [2 * intermediate, r]) */
#define SQLRL_ARCH_PHI3 3

/* dtypes of buffers handed across the ABI */
#define SQLRL_DTYPE_F32 0
#define SQLRL_DTYPE_BF16 1
#define SQLRL_DTYPE_F16 2

/* how the frozen base weights of linear layers are stored */
#define SQLRL_WEIGHTS_FP32 0
#define SQLRL_WEIGHTS_BF16 1
#define SQLRL_WEIGHTS_NF4 2

/* devices */
#define SQLRL_DEVICE_CPU 0
#define SQLRL_DEVICE_CUDA 1

/* dense sampling (sqlrl_model_set_dense_sampling) */
#define SQLRL_DENSE_SAMPLING_OFF 0
#define SQLRL_DENSE_SAMPLING_ON 1
#define SQLRL_DENSE_SAMPLING_AUTO 2
/* decode step (sqlrl_model_set_decode_step) */
#define SQLRL_DECODE_STEP_AUTO 0
#define SQLRL_DECODE_STEP_FUSED 1
#define SQLRL_DECODE_STEP_PLAIN 2

/* LoRA target modules, as a bit mask */
#define SQLRL_LORA_Q 1
#define SQLRL_LORA_K 2
#define SQLRL_LORA_V 4
#define SQLRL_LORA_O 8
#define SQLRL_LORA_GATE 16
#define SQLRL_LORA_UP 32
#define SQLRL_LORA_DOWN 64

/* which LoRA buffer sqlrl_lora_read / sqlrl_lora_write address */
#define SQLRL_LORA_VALUE 0
#define SQLRL_LORA_GRAD 1
#define SQLRL_LORA_ADAM_M 2
#define SQLRL_LORA_ADAM_V 3

/* memory statistics, indexes into the array filled by sqlrl_memory_stats */
#define SQLRL_MEM_WEIGHT_BYTES 0
#define SQLRL_MEM_LORA_BYTES 1
#define SQLRL_MEM_DEVICE_ALLOCATED 2
#define SQLRL_MEM_DEVICE_PEAK 3
#define SQLRL_MEM_COUNT 4

/* ---- library ---- */

/* The message of the last failed call on this thread ("" if none). Owned by the library. */
SQLRL_API const char* sqlrl_last_error(void);
/* Library version string, e.g. "0.1.0 (cpu)". */
SQLRL_API const char* sqlrl_version(void);
/* SQLRL_ABI_VERSION as compiled into the library. */
SQLRL_API int32_t sqlrl_abi_version(void);
/* 1 if the library was built with CUDA and a device is visible, else 0. */
SQLRL_API int32_t sqlrl_cuda_available(void);
/*
 * The CUDA device that models created afterwards (and NCCL process groups) use: a data-parallel rank takes its
 * LOCAL_RANK's GPU. Default 0. SQLRL_ERR_UNSUPPORTED without CUDA; INVALID_ARGUMENT for an index past the GPUs.
 */
SQLRL_API int32_t sqlrl_cuda_set_device(int32_t index);
/* Intra-op threads of the CPU backend. */
SQLRL_API int32_t sqlrl_set_num_threads(int32_t threads);
/*
 * Measured memory bandwidth of a device (SQLRL_DEVICE_*): `repeats` copies of a `bytes`-byte buffer into
 * another, counted as 2 * bytes moved per copy (read + write), after one untimed copy. For rooflines.
 */
SQLRL_API int32_t sqlrl_device_copy_bandwidth(int32_t device, int64_t bytes, int32_t repeats,
                                              double* out_bytes_per_second);
/*
 * Counts the ATen operators dispatched in this process through libtorch's RecordFunction (every thread;
 * outermost calls only, not the operators they call in turn): the host-side cost of a call, which bounds
 * small-batch decode on a GPU, measurable on any backend. start resets the count and begins; stop ends
 * counting and writes the count since start. stop without start, or a second start, is SQLRL_ERR_STATE.
 * Counting slows every operator a little: for op counts, not for timing.
 */
SQLRL_API int32_t sqlrl_op_count_start(void);
SQLRL_API int32_t sqlrl_op_count_stop(int64_t* out_ops);

/* ---- NF4 (bitsandbytes layout), exposed for tests and tools ---- */

/* Quantizes n floats (n % block == 0): codes[n/2] (first element in the high nibble), absmax[n/block]. */
SQLRL_API int32_t sqlrl_nf4_quantize(const float* values, int64_t n, int32_t block, uint8_t* codes, float* absmax);
/* Inverse of sqlrl_nf4_quantize. */
SQLRL_API int32_t sqlrl_nf4_dequantize(const uint8_t* codes, const float* absmax, int64_t n, int32_t block, float* values);
/*
 * A bitsandbytes 4-bit tensor with its own code table: values[i] = code_book[nibble i] * absmax[i / block],
 * two codes per byte, the first in the high nibble; code_book[16] (the file's quant_map).
 */
SQLRL_API int32_t sqlrl_bnb4_dequantize(const uint8_t* codes, const float* absmax, const float* code_book, int64_t n,
                                        int32_t block, float* values);
/*
 * bitsandbytes' blockwise 8-bit dequantization plus offset, as it restores double-quantized absmax values:
 * out[i] = code_map[codes[i]] * block_absmax[i / block] + offset; code_map[256] (the file's nested_quant_map,
 * bitsandbytes' dynamic map), block_absmax[ceil(n / block)] (nested_absmax).
 */
SQLRL_API int32_t sqlrl_dynamic8_dequantize(const uint8_t* codes, int64_t n, int32_t block, const float* code_map,
                                            const float* block_absmax, double offset, float* out);
/*
 * RoPE inverse frequencies as the model computes them, out[head_dim / 2]: 1 / theta^(2i / head_dim) in fp32,
 * then, when llama3_factor > 0, Llama 3's scaling (see sqlrl_model_set_rope_llama3). For tests and tools.
 */
SQLRL_API int32_t sqlrl_rope_inverse_frequencies(int32_t head_dim, double rope_theta, double llama3_factor,
                                                 double low_freq_factor, double high_freq_factor,
                                                 double original_max_position_embeddings, float* out);

/* ---- model ---- */

/* The shape of a model (its config.json), its weight storage and its device; sqlrl_model_params_init fills the
 * defaults, the sizes have none (0 is refused). */
typedef struct sqlrl_model_params {
  int32_t arch;                /* SQLRL_ARCH_* (default SQLRL_ARCH_QWEN2) */
  int32_t vocab_size;
  int32_t hidden_size;
  int32_t intermediate_size;
  int32_t num_layers;
  int32_t num_heads;
  int32_t num_kv_heads;
  int32_t head_dim;            /* 0: hidden_size / num_heads (default 0) */
  double rope_theta;           /* (default 10000) */
  double rms_norm_eps;         /* (default 1e-6) */
  int32_t tie_word_embeddings; /* 1: lm_head is the embedding matrix (default 0) */
  int32_t weight_mode;         /* SQLRL_WEIGHTS_* (default SQLRL_WEIGHTS_FP32) */
  int32_t device;              /* SQLRL_DEVICE_* (default SQLRL_DEVICE_CPU) */
} sqlrl_model_params;

/* Fills params with the defaults above (sizes 0). */
SQLRL_API void sqlrl_model_params_init(sqlrl_model_params* params);

/*
 * Creates an empty model. Weights are then uploaded with sqlrl_model_set_weight under Hugging Face names
 * ("model.layers.0.self_attn.q_proj.weight", ...) and the model is made ready with sqlrl_model_finalize.
 */
SQLRL_API int32_t sqlrl_model_create(const sqlrl_model_params* params, sqlrl_model** out_model);
/*
 * Copies one tensor (dtype SQLRL_DTYPE_*, row-major, shape[ndim]) into the model; checks name and shape.
 * Expected names: model.embed_tokens.weight, model.norm.weight, lm_head.weight (untied only; refused when
 * tied), and per layer N: model.layers.N.{input_layernorm,post_attention_layernorm}.weight,
 * model.layers.N.self_attn.{q,k,v,o}_proj.weight, model.layers.N.mlp.{gate,up,down}_proj.weight,
 * for Qwen2 only model.layers.N.self_attn.{q,k,v}_proj.bias, for Qwen3 only
 * model.layers.N.self_attn.{q,k}_norm.weight [head_dim]. Before finalize only.
 */
SQLRL_API int32_t sqlrl_model_set_weight(sqlrl_model* model, const char* name, const void* data, int32_t dtype,
                                         const int64_t* shape, int32_t ndim);
/*
 * A decoder linear's weight already quantized in the bitsandbytes 4-bit layout (a *-bnb-4bit checkpoint):
 * codes[n / 2] (two per byte, first in the high nibble), fp32 absmax[n / block] (double-quantized absmax
 * restored first with sqlrl_dynamic8_dequantize), code_book[16] (the file's quant_map, which must be NF4's: else INVALID_ARGUMENT),
 * shape[ndim] the weight's [out, in] as the HF name (model.layers.N.self_attn.q_proj.weight, ...) expects.
 * Kept as it is in NF4 mode (block must be 64; sqlrl_model_set_double_quant does not re-quantize it),
 * dequantized to the dense dtype in the FP32 / BF16 modes. Before finalize only.
 */
SQLRL_API int32_t sqlrl_model_set_nf4_weight(sqlrl_model* model, const char* name, const uint8_t* codes, const float* absmax,
                                             const float* code_book, int32_t block, const int64_t* shape, int32_t ndim);
/*
 * Llama 3's RoPE scaling (rope_type "llama3", as transformers' _compute_llama3_parameters): with
 * wavelen = 2 pi / inv_freq, frequencies of wavelen > original / low_freq_factor are divided by factor,
 * those of wavelen < original / high_freq_factor kept, and those between interpolated with
 * s = (original / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor):
 * (1 - s) * inv_freq / factor + s * inv_freq. Before finalize.
 */
SQLRL_API int32_t sqlrl_model_set_rope_llama3(sqlrl_model* model, double factor, double low_freq_factor,
                                              double high_freq_factor, double original_max_position_embeddings);
/*
 * Sliding-window attention (Mistral's / Phi-3's sliding_window): a query at position i attends the keys at
 * positions i - window + 1 .. i only. 0 = off (the default). Before finalize.
 */
SQLRL_API int32_t sqlrl_model_set_sliding_window(sqlrl_model* model, int64_t window);
/* NF4 only: also quantize the absmax values (8-bit, blocks of 256, offset by their mean); before finalize. */
SQLRL_API int32_t sqlrl_model_set_double_quant(sqlrl_model* model, int32_t enabled);
/* Checks that every weight is present, quantizes/converts per weight_mode. */
SQLRL_API int32_t sqlrl_model_finalize(sqlrl_model* model);
/*
 * Instead of uploading and finalizing, for benchmarks of a model's shape: makes every weight random on
 * the model's device (no host copy): embeddings, lm_head, projections and biases normal(0, 0.02),
 * norms 1; NF4 projections get uniformly random codes with block absmax in [0.03, 0.05] (double-quantized
 * when chosen). The same seed gives the same weights on the same device. Refused after any upload.
 */
SQLRL_API int32_t sqlrl_model_finalize_random(sqlrl_model* model, uint64_t seed);
SQLRL_API void sqlrl_model_free(sqlrl_model* model);
/* Per-layer gradient checkpointing during sqlrl_logprobs with keep_graph (default on). */
SQLRL_API int32_t sqlrl_model_set_checkpointing(sqlrl_model* model, int32_t enabled);
/*
 * Dense sampling (SQLRL_DENSE_SAMPLING_*; default OFF): during each sqlrl_generate, the bf16 / NF4 base weights
 * are expanded once into dense matrices of the compute dtype and freed when the call returns, so that decode
 * steps do not dequantize again. Faster decode at the price of a transient dense copy of the projections
 * (2 bytes per parameter on CUDA, 4 on CPU). AUTO holds them where it pays and fits: on CUDA, for more rows
 * than the fused NF4 GEMV takes (16), when the device's free memory exceeds 1.25 times the copy; otherwise
 * it is OFF. On CPU the results are identical either way; on CUDA small batches otherwise go through the
 * fused NF4 GEMV, so they may differ within bf16 rounding.
 */
SQLRL_API int32_t sqlrl_model_set_dense_sampling(sqlrl_model* model, int32_t enabled);
/*
 * CUDA graphs for decode (default off): on a CUDA model, each sqlrl_generate records its first decode step
 * into a CUDA graph and replays it for the others, so that a step costs one launch instead of one host
 * dispatch per operator. Same results as without (the step is the same computation). Ignored on the CPU.
 */
SQLRL_API int32_t sqlrl_model_set_cuda_graphs(sqlrl_model* model, int32_t enabled);
/*
 * Which decode step sqlrl_generate runs (SQLRL_DECODE_STEP_*; default AUTO). FUSED: the norms, RoPE with the K/V
 * store, attention and the SwiGLU gate are one call each, every GEMM writes into buffers made once per call, and
 * the samples of a prompt read the prompt's K/V from its one prefill instead of a copy per sample. PLAIN: the
 * tensor-op step over a cache expanded to every sample. Both compute the same completions up to floating-point
 * summation order. AUTO: FUSED on the CPU; PLAIN on CUDA until the fused step's CUDA kernels have been verified on
 * a GPU. A CUDA build without native/cuda's kernels always runs PLAIN on CUDA.
 */
SQLRL_API int32_t sqlrl_model_set_decode_step(sqlrl_model* model, int32_t step);
/* The step sqlrl_generate runs with the current setting on this model: SQLRL_DECODE_STEP_FUSED or _PLAIN. */
SQLRL_API int32_t sqlrl_model_decode_step_used(sqlrl_model* model, int32_t* out_step);
/*
 * Experimental (default off; not yet measured on a GPU): on CUDA, NF4 projections of 17..64 rows that need no
 * gradient (decode steps, small reference passes) run through a tensor-core NF4 GEMM that dequantizes tiles in shared memory (memory moves the NF4
 * codes) instead of dequantizing the whole weight to bf16 and calling cuBLAS each step. Same values up to
 * summation order. Ignored on the CPU, with dense sampling, and for other row counts.
 */
SQLRL_API int32_t sqlrl_model_set_tensor_core_gemm(sqlrl_model* model, int32_t enabled);
/* Rows of hidden states per chunk of the vocabulary projection in sqlrl_logprobs (default 256). */
SQLRL_API int32_t sqlrl_model_set_logprob_chunk(sqlrl_model* model, int32_t rows);
/*
 * out[SQLRL_MEM_COUNT] in bytes: frozen weights (after finalize), LoRA values + grads + AdamW moments,
 * device allocated / peak (-1 where the backend does not tell, e.g. on the CPU).
 */
SQLRL_API int32_t sqlrl_memory_stats(sqlrl_model* model, int64_t* out);

/* ---- sessions ---- */

/* A new session of a finalized or not yet finalized model: no pending graph, dropout seed 0x5eed, no step callback. */
SQLRL_API int32_t sqlrl_session_create(sqlrl_model* model, sqlrl_session** out_session);
/* Frees the session (and its pending graph); the model's weights go with its last session once it is freed. */
SQLRL_API void sqlrl_session_free(sqlrl_session* session);
/*
 * Seeds the LoRA dropout masks of the session's following sqlrl_logprobs calls with keep_graph (each call
 * advances the seed by num_layers). A trainer sets it per micro-batch so that a resumed run draws
 * the same masks as an uninterrupted one.
 */
SQLRL_API int32_t sqlrl_session_set_dropout_seed(sqlrl_session* session, uint64_t seed);
/*
 * A function told each step of the session's following sqlrl_generate calls, for serving tokens as they come (null:
 * none, the default). callback is an `int32_t (*)(void* context, int32_t step, const int32_t* tokens, int32_t rows)`,
 * called on the generating thread after step `step` with tokens[r] the token row r drew (rows in the output's
 * order), or -1 for a row that had already stopped. Returning nonzero ends the generation after that step: the
 * outputs then hold the steps so far. It costs a device-to-host copy per step; it must not call into libsqlrl.
 */
SQLRL_API int32_t sqlrl_session_set_step_callback(sqlrl_session* session, void* callback, void* context);

/* ---- forward ---- */

/*
 * Logits at every position of n_seqs packed sequences (ragged, run as one padded batch):
 * out_logits[total_tokens * vocab_size]. For tests and small models: it materializes all logits.
 */
SQLRL_API int32_t sqlrl_forward_logits(sqlrl_model* model, const int32_t* tokens, const int32_t* seq_lens,
                                       int32_t n_seqs, int32_t use_adapters, float* out_logits);

/*
 * Log-probs of the completion tokens (positions prompt_lens[i] .. seq_lens[i]-1 of each sequence),
 * packed into out_logprobs[sum(seq_lens - prompt_lens)], computed through a chunked vocabulary
 * projection. temperature divides the logits (1.0 = none). With keep_graph = 1 the session keeps
 * what sqlrl_backward needs (one pending graph per session: a new keep_graph call replaces it; calls
 * without keep_graph leave it alone). keep_graph = 1 requires adapters attached, enabled and
 * use_adapters = 1; LoRA dropout applies only then. 1 <= prompt_lens[i] < seq_lens[i].
 */
SQLRL_API int32_t sqlrl_logprobs(sqlrl_session* session, const int32_t* tokens, const int32_t* seq_lens,
                                 const int32_t* prompt_lens, int32_t n_seqs, int32_t use_adapters,
                                 double temperature, int32_t keep_graph, float* out_logprobs);
/*
 * Backpropagates d loss / d logprob (same packing as out_logprobs of the session's pending sqlrl_logprobs)
 * into the model's LoRA gradients (accumulating), then drops the pending graph. SQLRL_ERR_STATE when the
 * adapters were attached again since that sqlrl_logprobs.
 */
SQLRL_API int32_t sqlrl_backward(sqlrl_session* session, const float* grad_logprobs, int64_t n);

/* ---- generation ---- */

/*
 * How sqlrl_generate samples. sqlrl_generate_params_init fills every field with its default, so that a caller sets
 * only what it changes (and a field added later keeps old callers working).
 */
typedef struct sqlrl_generate_params {
  int32_t num_samples;     /* completions per prompt; the prompt is prefilled once for all of them (default 1) */
  int32_t max_new_tokens;  /* tokens generated at most per completion (default 256) */
  int32_t greedy;          /* 1: argmax, temperature / top_k / top_p ignored (default 0) */
  int32_t top_k;           /* sample among the k most likely tokens; 0: off (default 0) */
  double temperature;      /* the logits are divided by it; > 0 when sampling (default 1.0) */
  double top_p;            /* nucleus sampling; 1: off (default 1.0) */
  uint64_t seed;           /* the same seed and inputs give the same tokens (default 0) */
  const int32_t* stop_ids; /* a completion ends after one of these (kept in the output); null when none (default) */
  int32_t n_stop_ids;      /* entries of stop_ids (default 0) */
  int32_t use_adapters;    /* 1: with the LoRA adapters, when attached and enabled (default 1) */
  /* [n_prompts] or null: sample s of prompt p draws from a stream of its own, keyed by (prompt_seeds[p], s), so
   * that a prompt's completions do not depend on the other prompts of the call, their number or their order (a
   * data-parallel rank samples its share of a step's prompts and gets what one process gets); seed is then unused.
   * Null: every row draws from one stream of seed (default null) */
  const uint64_t* prompt_seeds;
} sqlrl_generate_params;

/* Fills params with the defaults above. */
SQLRL_API void sqlrl_generate_params_init(sqlrl_generate_params* params);

/*
 * Samples params->num_samples completions for each of n_prompts packed prompts; each prompt is prefilled once and
 * its KV cache shared by its samples (a prefix that all prompts share is prefilled once for all of them).
 * Generation of a sample stops after a stop id (included in the output) or max_new_tokens.
 * Outputs, row r = prompt * num_samples + sample:
 *   out_tokens[r * max_new_tokens + j], out_logprobs[...] (log-prob of the token under the
 *   temperature-scaled distribution, before top-k/top-p; greedy: temperature 1), out_lengths[r].
 *   Entries past out_lengths[r] are 0. The same seed and inputs give the same tokens.
 */
SQLRL_API int32_t sqlrl_generate(sqlrl_session* session, const int32_t* prompt_tokens, const int32_t* prompt_lens,
                                 int32_t n_prompts, const sqlrl_generate_params* params, int32_t* out_tokens,
                                 float* out_logprobs, int32_t* out_lengths);

/* ---- LoRA ---- */

/*
 * Attaches LoRA adapters: rank, alpha (scale = alpha / rank), target_mask (SQLRL_LORA_*), dropout,
 * dtype of A and B (SQLRL_DTYPE_F32 or BF16). PEFT's init: A Kaiming-uniform(a = sqrt(5)) from
 * seed, B zero. Replaces adapters already attached.
 */
SQLRL_API int32_t sqlrl_lora_attach(sqlrl_model* model, int32_t rank, double alpha, int32_t target_mask,
                                    double dropout, int32_t dtype, uint64_t seed);
SQLRL_API int32_t sqlrl_lora_set_enabled(sqlrl_model* model, int32_t enabled);
/* Number of LoRA tensors (two per adapted linear: A then B). */
SQLRL_API int32_t sqlrl_lora_count(sqlrl_model* model, int32_t* out_count);
/*
 * Name (Hugging Face module path + ".lora_A.weight" / ".lora_B.weight", e.g.
 * "model.layers.0.self_attn.q_proj.lora_A.weight") into name_buf (NUL-terminated) and shape[2].
 */
SQLRL_API int32_t sqlrl_lora_info(sqlrl_model* model, int32_t index, char* name_buf, int32_t buf_len, int64_t* shape);
/* Copies n floats of the tensor's value / grad / AdamW moments (SQLRL_LORA_*) out of or into the model. */
SQLRL_API int32_t sqlrl_lora_read(sqlrl_model* model, int32_t index, int32_t which, float* out, int64_t n);
SQLRL_API int32_t sqlrl_lora_write(sqlrl_model* model, int32_t index, int32_t which, const float* values, int64_t n);
SQLRL_API int32_t sqlrl_zero_grad(sqlrl_model* model);
/*
 * Clips the global gradient L2 norm to max_grad_norm (<= 0: no clipping), then one AdamW step
 * (decoupled weight decay) on every LoRA tensor. step is the 1-based step for bias correction.
 * out_grad_norm receives the norm before clipping (non-finite norms skip the update and return OK).
 * Clipping scales the stored gradients in place, as torch.nn.utils.clip_grad_norm_ does.
 */
SQLRL_API int32_t sqlrl_adamw_step(sqlrl_model* model, double lr, double beta1, double beta2, double eps,
                                   double weight_decay, double max_grad_norm, int64_t step,
                                   double* out_grad_norm);

/* ---- data parallel: a c10d process group (libtorch's own: Gloo on the CPU, NCCL on CUDA) ---- */

/* backends */
#define SQLRL_DIST_GLOO 0
#define SQLRL_DIST_NCCL 1

/* reductions (sqlrl_dist_allreduce_f64) */
#define SQLRL_REDUCE_SUM 0
#define SQLRL_REDUCE_MIN 1
#define SQLRL_REDUCE_MAX 2

/* How a rank joins its group; sqlrl_dist_params_init fills the defaults (a group of one, Gloo, 127.0.0.1:29500). */
typedef struct sqlrl_dist_params {
  int32_t rank;            /* this process, 0 .. world_size - 1 (default 0) */
  int32_t world_size;      /* ranks in the group (default 1) */
  const char* master_addr; /* host of rank 0, where the rendezvous store listens (default "127.0.0.1") */
  int32_t master_port;     /* its port (default 29500) */
  int32_t host_store;      /* 1: rank 0 starts the store; 0: a launcher hosts it already, e.g. torchrun's agent (default 1) */
  int32_t backend;         /* SQLRL_DIST_* (default SQLRL_DIST_GLOO); NCCL needs a CUDA build */
  int64_t timeout_ms;      /* rendezvous, and each collective: a rank gone silent is reported after it (default 600000) */
  int64_t bucket_bytes;    /* LoRA tensors are packed into flat buckets of this size for each collective
                              (default 26214400, DDP's 25 MiB) */
} sqlrl_dist_params;

/* Fills params with the defaults above. */
SQLRL_API void sqlrl_dist_params_init(sqlrl_dist_params* params);
/*
 * Joins the group: meets the other ranks through a TCPStore at master_addr:master_port, checks that they all give
 * the same world_size and that no rank is claimed twice (two runs on one port), then connects the backend. Fails with
 * SQLRL_ERR_INVALID_ARGUMENT for bad params and SQLRL_ERR_STATE, the message naming the cause, for a port in use,
 * a store that cannot be reached within timeout_ms, ranks that never came, a world size mismatch or a rank taken
 * twice.
 */
SQLRL_API int32_t sqlrl_dist_create(const sqlrl_dist_params* params, sqlrl_dist** out_dist);
SQLRL_API void sqlrl_dist_free(sqlrl_dist* dist);
/*
 * Sums the LoRA gradients of the model over all ranks, in place, then multiplies them by scale: the gradients are
 * packed into flat buckets of bucket_bytes, one all-reduce per bucket, not one per tensor. Every rank's model must
 * have the same adapters (the same tensors in the same order). SQLRL_ERR_STATE, naming this rank, when a collective
 * fails or times out (a rank died).
 */
SQLRL_API int32_t sqlrl_dist_allreduce_lora_grads(sqlrl_dist* dist, sqlrl_model* model, double scale);
/* Copies root's LoRA values and AdamW moments to every rank (bucketed as above). */
SQLRL_API int32_t sqlrl_dist_broadcast_lora(sqlrl_dist* dist, sqlrl_model* model, int32_t root);
/* Reduces n doubles of a host buffer over all ranks, in place (SQLRL_REDUCE_*): token counts, rewards, metrics. */
SQLRL_API int32_t sqlrl_dist_allreduce_f64(sqlrl_dist* dist, double* values, int64_t n, int32_t op);
/* Copies n bytes of a host buffer from root to every rank. */
SQLRL_API int32_t sqlrl_dist_broadcast_bytes(sqlrl_dist* dist, uint8_t* data, int64_t n, int32_t root);
/* Returns once every rank has called it (or fails after timeout_ms). */
SQLRL_API int32_t sqlrl_dist_barrier(sqlrl_dist* dist);

#endif
