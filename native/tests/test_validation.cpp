// Every bad input returns the right status and a message that says what was wrong (and nothing crashes).
#include <cstring>
#include <string>

#include "test_harness.h"
#include "tiny_model.h"

using namespace sqlrl_test;

namespace {
sqlrl_model* empty_model(int32_t arch = SQLRL_ARCH_QWEN2, int32_t tie = 1) {
  sqlrl_model* handle = nullptr;
  CHECK_OK(create_model(arch, 97, 32, 48, 2, 4, 2, 0, 10000.0, 1e-6, tie, SQLRL_WEIGHTS_FP32, SQLRL_DEVICE_CPU,
                              &handle));
  return handle;
}
}  // namespace

TEST(model_create_rejects_bad_configuration) {
  sqlrl_model* handle = nullptr;
  CHECK_FAILS(create_model(7, 97, 32, 48, 2, 4, 2, 0, 1e4, 1e-6, 1, 0, 0, &handle), SQLRL_ERR_INVALID_ARGUMENT,
              "arch");
  CHECK_FAILS(create_model(0, 0, 32, 48, 2, 4, 2, 0, 1e4, 1e-6, 1, 0, 0, &handle), SQLRL_ERR_INVALID_ARGUMENT,
              "vocab_size");
  CHECK_FAILS(create_model(0, 97, 32, 48, 2, 4, 3, 0, 1e4, 1e-6, 1, 0, 0, &handle), SQLRL_ERR_INVALID_ARGUMENT,
              "num_kv_heads");
  CHECK_FAILS(create_model(0, 97, 30, 48, 2, 4, 2, 0, 1e4, 1e-6, 1, 0, 0, &handle), SQLRL_ERR_INVALID_ARGUMENT,
              "head_dim");
  CHECK_FAILS(create_model(0, 97, 32, 48, 2, 4, 2, 0, 1e4, 1e-6, 1, 9, 0, &handle), SQLRL_ERR_INVALID_ARGUMENT,
              "weight_mode");
  CHECK_FAILS(create_model(0, 97, 32, 48, 2, 4, 2, 0, 1e4, 1e-6, 1, 0, 4, &handle), SQLRL_ERR_INVALID_ARGUMENT,
              "device");
  CHECK_FAILS(create_model(0, 97, 32, 48, 2, 4, 2, 0, 1e4, 1e-6, 1, 0, 0, nullptr), SQLRL_ERR_INVALID_ARGUMENT,
              "out_model");
  CHECK(handle == nullptr);
  CHECK_FAILS(sqlrl_model_create(nullptr, &handle), SQLRL_ERR_INVALID_ARGUMENT, "params is null");
  sqlrl_model_params defaults;
  std::memset(&defaults, 0x5A, sizeof defaults);  // poisoned: every field must be written
  sqlrl_model_params_init(&defaults);
  CHECK(defaults.arch == SQLRL_ARCH_QWEN2 && defaults.vocab_size == 0 && defaults.head_dim == 0);
  CHECK(defaults.rope_theta == 10000.0 && defaults.rms_norm_eps == 1e-6 && defaults.tie_word_embeddings == 0);
  CHECK(defaults.weight_mode == SQLRL_WEIGHTS_FP32 && defaults.device == SQLRL_DEVICE_CPU);
  CHECK_FAILS(sqlrl_model_create(&defaults, &handle), SQLRL_ERR_INVALID_ARGUMENT, "vocab_size");
}

TEST(cuda_device_without_cuda_is_unsupported) {
  if (sqlrl_cuda_available()) return;  // this check is about machines without CUDA
  sqlrl_model* handle = nullptr;
  CHECK_FAILS(create_model(0, 97, 32, 48, 2, 4, 2, 0, 1e4, 1e-6, 1, 0, SQLRL_DEVICE_CUDA, &handle),
              SQLRL_ERR_UNSUPPORTED, "CUDA");
  CHECK(handle == nullptr);
}

TEST(set_weight_names_unknown_names_and_shape_mismatches) {
  sqlrl_model* handle = empty_model();
  std::vector<float> data(97 * 32);
  int64_t shape[2] = {97, 32};
  CHECK_FAILS(sqlrl_model_set_weight(handle, "model.layers.9.mlp.up_proj.weight", data.data(), 0, shape, 2),
              SQLRL_ERR_INVALID_ARGUMENT, "model.layers.9.mlp.up_proj.weight");
  CHECK_FAILS(sqlrl_model_set_weight(handle, "lm_head.weight", data.data(), 0, shape, 2), SQLRL_ERR_INVALID_ARGUMENT,
              "ties word embeddings");
  int64_t wrong[2] = {32, 97};
  CHECK_FAILS(sqlrl_model_set_weight(handle, "model.embed_tokens.weight", data.data(), 0, wrong, 2),
              SQLRL_ERR_INVALID_ARGUMENT, "expected shape [97, 32], got [32, 97]");
  CHECK_FAILS(sqlrl_model_set_weight(handle, "model.embed_tokens.weight", data.data(), 5, shape, 2),
              SQLRL_ERR_INVALID_ARGUMENT, "dtype");
  CHECK_FAILS(sqlrl_model_set_weight(handle, "model.embed_tokens.weight", nullptr, 0, shape, 2),
              SQLRL_ERR_INVALID_ARGUMENT, "data is null");
  CHECK_FAILS(sqlrl_model_set_weight(handle, nullptr, data.data(), 0, shape, 2), SQLRL_ERR_INVALID_ARGUMENT, "name");
  sqlrl_model_free(handle);
  sqlrl_model* llama = empty_model(SQLRL_ARCH_LLAMA, 0);
  int64_t bias_shape[1] = {32};
  CHECK_FAILS(sqlrl_model_set_weight(llama, "model.layers.0.self_attn.q_proj.bias", data.data(), 0, bias_shape, 1),
              SQLRL_ERR_INVALID_ARGUMENT, "llama has no projection biases");
  sqlrl_model_free(llama);
}

TEST(prequantized_weights_and_family_settings_check_their_inputs) {
  sqlrl_model* handle = empty_model(SQLRL_ARCH_LLAMA, 1);
  std::vector<uint8_t> codes(32 * 32 / 2);
  std::vector<float> absmax(32 * 32 / 64, 1.0f);
  float nf4[16] = {-1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f, -0.28444138169288635f,
                   -0.18477343022823334f, -0.09105003625154495f, 0.0f, 0.07958029955625534f, 0.16093020141124725f,
                   0.24611230194568634f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f,
                   0.7229568362236023f, 1.0f};
  int64_t shape[2] = {32, 32};
  const char* q = "model.layers.0.self_attn.q_proj.weight";
  CHECK_OK(sqlrl_model_set_nf4_weight(handle, q, codes.data(), absmax.data(), nf4, 64, shape, 2));
  CHECK_FAILS(sqlrl_model_set_nf4_weight(handle, q, codes.data(), absmax.data(), nf4, 128, shape, 2),
              SQLRL_ERR_INVALID_ARGUMENT, "blocksize must be 64, got 128");
  float fp4[16] = {0.0f};
  CHECK_FAILS(sqlrl_model_set_nf4_weight(handle, q, codes.data(), absmax.data(), fp4, 64, shape, 2),
              SQLRL_ERR_INVALID_ARGUMENT, "not NF4's");
  int64_t norm_shape[1] = {32};
  CHECK_FAILS(sqlrl_model_set_nf4_weight(handle, "model.norm.weight", codes.data(), absmax.data(), nf4, 64, norm_shape, 1),
              SQLRL_ERR_INVALID_ARGUMENT, "only decoder linears");
  CHECK_FAILS(sqlrl_model_set_rope_llama3(handle, 8, 4, 1, 8192), SQLRL_ERR_INVALID_ARGUMENT, "high_freq_factor");
  CHECK_FAILS(sqlrl_model_set_sliding_window(handle, -1), SQLRL_ERR_INVALID_ARGUMENT, "sliding window");
  sqlrl_model_free(handle);
  sqlrl_model* qwen3 = empty_model(SQLRL_ARCH_QWEN3, 1);
  int64_t head_shape[1] = {8};
  std::vector<float> ones(8, 1.0f);
  CHECK_OK(sqlrl_model_set_weight(qwen3, "model.layers.1.self_attn.k_norm.weight", ones.data(), 0, head_shape, 1));
  CHECK_FAILS(sqlrl_model_set_weight(qwen3, "model.layers.0.self_attn.q_proj.bias", ones.data(), 0, head_shape, 1),
              SQLRL_ERR_INVALID_ARGUMENT, "qwen3 has no projection biases");
  sqlrl_model_free(qwen3);
  TinyModel finalized(TinySpec{});
  CHECK_FAILS(sqlrl_model_set_sliding_window(finalized.handle(), 4), SQLRL_ERR_STATE, "before sqlrl_model_finalize");
  CHECK_FAILS(sqlrl_model_set_rope_llama3(finalized.handle(), 8, 1, 4, 8192), SQLRL_ERR_STATE, "before sqlrl_model_finalize");
}

TEST(finalize_names_the_first_missing_weight_and_the_model_is_unusable_before) {
  sqlrl_model* handle = empty_model();
  std::vector<float> data(97 * 32);
  int64_t shape[2] = {97, 32};
  CHECK_OK(sqlrl_model_set_weight(handle, "model.embed_tokens.weight", data.data(), 0, shape, 2));
  CHECK_FAILS(sqlrl_model_finalize(handle), SQLRL_ERR_STATE, "model.layers.0.input_layernorm.weight");
  int32_t tokens[2] = {1, 2}, lengths[1] = {2};
  std::vector<float> logits(2 * 97);
  CHECK_FAILS(sqlrl_forward_logits(handle, tokens, lengths, 1, 0, logits.data()), SQLRL_ERR_STATE, "not finalized");
  CHECK_FAILS(sqlrl_lora_attach(handle, 4, 8, 127, 0, 0, 1), SQLRL_ERR_STATE, "not finalized");
  sqlrl_model_free(handle);
}

TEST(weights_and_double_quant_cannot_change_after_finalize) {
  TinyModel model(TinySpec{});
  std::vector<float> data(32);
  int64_t shape[1] = {32};
  CHECK_FAILS(sqlrl_model_set_weight(model.handle(), "model.norm.weight", data.data(), 0, shape, 1), SQLRL_ERR_STATE,
              "already finalized");
  CHECK_FAILS(sqlrl_model_set_double_quant(model.handle(), 1), SQLRL_ERR_STATE, "before");
  CHECK_FAILS(sqlrl_model_finalize(model.handle()), SQLRL_ERR_STATE, "already finalized");
  sqlrl_model* fp32 = empty_model();
  CHECK_FAILS(sqlrl_model_set_double_quant(fp32, 1), SQLRL_ERR_STATE, "NF4");
  sqlrl_model_free(fp32);
}

TEST(null_and_foreign_model_handles_are_refused) {
  int32_t count = 0;
  CHECK_FAILS(sqlrl_lora_count(nullptr, &count), SQLRL_ERR_INVALID_ARGUMENT, "model is null");
  // The type stops a C caller passing anything else; a foreign pointer cast to it is still caught at run time.
  uint64_t not_a_model[8] = {0};
  CHECK_FAILS(sqlrl_lora_count(reinterpret_cast<sqlrl_model*>(not_a_model), &count), SQLRL_ERR_INVALID_ARGUMENT,
              "not a handle");
  sqlrl_model_free(nullptr);  // a no-op, like free(NULL)
}

TEST(packed_sequence_inputs_are_checked) {
  TinyModel model(TinySpec{});
  sqlrl_model* m = model.handle();
  int32_t tokens[5] = {1, 2, 3, 4, 5}, lengths[2] = {2, 3};
  std::vector<float> logits(5 * 97), logprobs(5);
  CHECK_FAILS(sqlrl_forward_logits(m, tokens, lengths, 0, 0, logits.data()), SQLRL_ERR_INVALID_ARGUMENT, "> 0, got 0");
  CHECK_FAILS(sqlrl_forward_logits(m, nullptr, lengths, 2, 0, logits.data()), SQLRL_ERR_INVALID_ARGUMENT, "null");
  CHECK_FAILS(sqlrl_forward_logits(m, tokens, lengths, 2, 0, nullptr), SQLRL_ERR_INVALID_ARGUMENT, "out_logits");
  int32_t empty[2] = {2, 0};
  CHECK_FAILS(sqlrl_forward_logits(m, tokens, empty, 2, 0, logits.data()), SQLRL_ERR_INVALID_ARGUMENT,
              "sequence 1 has length 0");
  int32_t bad_tokens[5] = {1, 2, 3, 97, 5};
  CHECK_FAILS(sqlrl_forward_logits(m, bad_tokens, lengths, 2, 0, logits.data()), SQLRL_ERR_INVALID_ARGUMENT,
              "token id 97 at sequence 1, position 1");
  int32_t negative[5] = {-3, 2, 3, 4, 5};
  CHECK_FAILS(sqlrl_forward_logits(m, negative, lengths, 2, 0, logits.data()), SQLRL_ERR_INVALID_ARGUMENT,
              "token id -3 at sequence 0, position 0");
  int32_t whole_prompt[2] = {1, 3};
  CHECK_FAILS(sqlrl_logprobs(model.session(), tokens, lengths, whole_prompt, 2, 0, 1.0, 0, logprobs.data()),
              SQLRL_ERR_INVALID_ARGUMENT, "sequence 1: prompt_len 3");
  int32_t no_prompt[2] = {0, 1};
  CHECK_FAILS(sqlrl_logprobs(model.session(), tokens, lengths, no_prompt, 2, 0, 1.0, 0, logprobs.data()),
              SQLRL_ERR_INVALID_ARGUMENT, "sequence 0: prompt_len 0");
  int32_t prompts[2] = {1, 1};
  CHECK_FAILS(sqlrl_logprobs(model.session(), tokens, lengths, prompts, 2, 0, 0.0, 0, logprobs.data()), SQLRL_ERR_INVALID_ARGUMENT,
              "temperature");
  CHECK_FAILS(sqlrl_logprobs(model.session(), tokens, lengths, prompts, 2, 0, 1.0, 1, logprobs.data()), SQLRL_ERR_STATE,
              "keep_graph = 1 needs LoRA adapters");
}

TEST(backward_needs_a_pending_graph_of_the_same_length) {
  TinyModel model(TinySpec{});
  model.attach_lora(2, 4.0, 127);
  std::vector<float> grads(3, 1.0f);
  CHECK_FAILS(sqlrl_backward(model.session(), grads.data(), 3), SQLRL_ERR_STATE, "no pending graph");
  Packed batch = Packed::of({{1, 2, 3, 4}});
  model.logprobs(batch, {1}, true, 1.0, true);  // 3 completion tokens
  CHECK_FAILS(sqlrl_backward(model.session(), grads.data(), 2), SQLRL_ERR_INVALID_ARGUMENT,
              "grad_logprobs has 2 values but the pending log-probs have 3");
  CHECK_FAILS(sqlrl_backward(model.session(), nullptr, 3), SQLRL_ERR_INVALID_ARGUMENT, "null");
  CHECK_OK(sqlrl_backward(model.session(), grads.data(), 3));
  CHECK_FAILS(sqlrl_backward(model.session(), grads.data(), 3), SQLRL_ERR_STATE, "no pending graph");
}

TEST(generate_checks_its_settings) {
  TinyModel model(TinySpec{});
  int32_t prompt[3] = {1, 2, 3}, lengths[1] = {3}, out_tokens[8], out_lengths[2];
  float out_logprobs[8];
  auto run = [&](int32_t samples, int32_t max_new, int32_t greedy, double temperature, int32_t top_k, double top_p,
                 const int32_t* stops, int32_t n_stops) {
    sqlrl_generate_params params;
    sqlrl_generate_params_init(&params);
    params.num_samples = samples;
    params.max_new_tokens = max_new;
    params.greedy = greedy;
    params.temperature = temperature;
    params.top_k = top_k;
    params.top_p = top_p;
    params.stop_ids = stops;
    params.n_stop_ids = n_stops;
    return sqlrl_generate(model.session(), prompt, lengths, 1, &params, out_tokens, out_logprobs, out_lengths);
  };
  CHECK_FAILS(run(0, 4, 1, 1.0, 0, 1.0, nullptr, 0), SQLRL_ERR_INVALID_ARGUMENT, "num_samples");
  CHECK_FAILS(run(1, 0, 1, 1.0, 0, 1.0, nullptr, 0), SQLRL_ERR_INVALID_ARGUMENT, "max_new_tokens");
  CHECK_FAILS(run(1, 4, 0, -1.0, 0, 1.0, nullptr, 0), SQLRL_ERR_INVALID_ARGUMENT, "temperature");
  CHECK_FAILS(run(1, 4, 0, 1.0, -2, 1.0, nullptr, 0), SQLRL_ERR_INVALID_ARGUMENT, "top_k");
  CHECK_FAILS(run(1, 4, 0, 1.0, 0, 1.5, nullptr, 0), SQLRL_ERR_INVALID_ARGUMENT, "top_p");
  int32_t bad_stop[1] = {500};
  CHECK_FAILS(run(1, 4, 1, 1.0, 0, 1.0, bad_stop, 1), SQLRL_ERR_INVALID_ARGUMENT, "stop id 500 at index 0");
  CHECK_FAILS(run(1, 4, 1, 1.0, 0, 1.0, nullptr, 1), SQLRL_ERR_INVALID_ARGUMENT, "stop_ids is null");
  CHECK_OK(run(2, 4, 1, 1.0, 0, 1.0, nullptr, 0));
  CHECK_FAILS(sqlrl_generate(model.session(), prompt, lengths, 1, nullptr, out_tokens, out_logprobs, out_lengths),
              SQLRL_ERR_INVALID_ARGUMENT, "params is null");
}

TEST(generate_params_init_fills_the_documented_defaults) {
  sqlrl_generate_params params;
  std::memset(&params, 0x5A, sizeof params);  // poisoned: every field must be written
  sqlrl_generate_params_init(&params);
  CHECK(params.num_samples == 1 && params.max_new_tokens == 256 && params.greedy == 0 && params.top_k == 0);
  CHECK(params.temperature == 1.0 && params.top_p == 1.0 && params.seed == 0);
  CHECK(params.stop_ids == nullptr && params.n_stop_ids == 0 && params.use_adapters == 1);
  CHECK(params.prompt_seeds == nullptr);
  sqlrl_generate_params_init(nullptr);  // a no-op
}

TEST(lora_calls_check_their_arguments) {
  TinyModel model(TinySpec{});
  sqlrl_model* m = model.handle();
  float buffer[4096];
  CHECK_FAILS(sqlrl_lora_read(m, 0, SQLRL_LORA_VALUE, buffer, 1), SQLRL_ERR_STATE, "no LoRA adapters attached");
  CHECK_FAILS(sqlrl_zero_grad(m), SQLRL_ERR_STATE, "no LoRA adapters attached");
  CHECK_FAILS(sqlrl_lora_attach(m, 0, 8, 127, 0, 0, 1), SQLRL_ERR_INVALID_ARGUMENT, "rank");
  CHECK_FAILS(sqlrl_lora_attach(m, 4, 8, 128 | 1, 0, 0, 1), SQLRL_ERR_INVALID_ARGUMENT, "unknown bits 128");
  CHECK_FAILS(sqlrl_lora_attach(m, 4, 8, 0, 0, 0, 1), SQLRL_ERR_INVALID_ARGUMENT, "target_mask is 0");
  CHECK_FAILS(sqlrl_lora_attach(m, 4, 8, 127, 1.0, 0, 1), SQLRL_ERR_INVALID_ARGUMENT, "dropout");
  CHECK_FAILS(sqlrl_lora_attach(m, 4, 8, 127, 0, SQLRL_DTYPE_F16, 1), SQLRL_ERR_INVALID_ARGUMENT, "dtype");
  model.attach_lora(4, 8.0, SQLRL_LORA_Q);
  char name[8];
  int64_t shape[2];
  CHECK_FAILS(sqlrl_lora_info(m, 0, name, sizeof(name), shape), SQLRL_ERR_INVALID_ARGUMENT, "name_buf too small");
  char big[256];
  CHECK_FAILS(sqlrl_lora_info(m, 4, big, sizeof(big), shape), SQLRL_ERR_INVALID_ARGUMENT, "index 4 is outside [0, 4)");
  CHECK_FAILS(sqlrl_lora_read(m, 0, 9, buffer, 128), SQLRL_ERR_INVALID_ARGUMENT, "which");
  CHECK_FAILS(sqlrl_lora_read(m, 0, SQLRL_LORA_VALUE, buffer, 100), SQLRL_ERR_INVALID_ARGUMENT, "has 128 values");
  CHECK_FAILS(sqlrl_lora_write(m, 1, SQLRL_LORA_GRAD, nullptr, 128), SQLRL_ERR_INVALID_ARGUMENT, "values is null");
  double norm = 0;
  CHECK_FAILS(sqlrl_adamw_step(m, 0.1, 0.9, 0.999, 1e-8, 0, 1, 0, &norm), SQLRL_ERR_INVALID_ARGUMENT, "step");
  CHECK_FAILS(sqlrl_adamw_step(m, 0.1, 1.0, 0.999, 1e-8, 0, 1, 1, &norm), SQLRL_ERR_INVALID_ARGUMENT, "beta1");
}

TEST(library_level_calls_check_their_arguments) {
  CHECK_FAILS(sqlrl_set_num_threads(0), SQLRL_ERR_INVALID_ARGUMENT, "threads");
  float values[64] = {0};
  uint8_t codes[32];
  float absmax[1];
  CHECK_FAILS(sqlrl_nf4_quantize(values, 60, 64, codes, absmax), SQLRL_ERR_INVALID_ARGUMENT, "multiple of block");
  CHECK_FAILS(sqlrl_nf4_quantize(values, 64, 63, codes, absmax), SQLRL_ERR_INVALID_ARGUMENT, "even");
  CHECK_FAILS(sqlrl_nf4_dequantize(codes, nullptr, 64, 64, values), SQLRL_ERR_INVALID_ARGUMENT, "absmax is null");
  TinyModel model(TinySpec{});
  CHECK_FAILS(sqlrl_model_set_logprob_chunk(model.handle(), 0), SQLRL_ERR_INVALID_ARGUMENT, "chunk");
  CHECK_FAILS(sqlrl_memory_stats(model.handle(), nullptr), SQLRL_ERR_INVALID_ARGUMENT, "out is null");
  CHECK(sqlrl_abi_version() == SQLRL_ABI_VERSION);
  CHECK(std::string(sqlrl_version()).find("0.1.0") == 0);
  // A successful call clears the message of an earlier failure.
  CHECK_OK(sqlrl_set_num_threads(2));
  CHECK(std::string(sqlrl_last_error()).empty());
}
