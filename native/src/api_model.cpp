// extern "C": creating, loading, configuring and freeing models.
#include <torch/cuda.h>

#include <cstring>

#include "api_guard.h"
#include "api_inputs.h"
#include "rope.h"
#include "torch_compat.h"

using namespace sqlrl;

extern "C" void sqlrl_model_params_init(sqlrl_model_params* params) {
  if (params == nullptr) return;
  *params = sqlrl_model_params{};
  params->arch = SQLRL_ARCH_QWEN2;
  params->rope_theta = 10000.0;
  params->rms_norm_eps = 1e-6;
  params->weight_mode = SQLRL_WEIGHTS_FP32;
  params->device = SQLRL_DEVICE_CPU;
}

extern "C" int32_t sqlrl_model_create(const sqlrl_model_params* params, sqlrl_model** out_model) {
  return guarded([&] {
    check_not_null(out_model, "out_model");
    *out_model = nullptr;
    check_not_null(params, "params");
    const sqlrl_model_params& p = *params;
    int32_t weight_mode = p.weight_mode, device = p.device;
    ModelConfig config;
    config.arch = p.arch;
    config.vocab_size = p.vocab_size;
    config.hidden_size = p.hidden_size;
    config.intermediate_size = p.intermediate_size;
    config.num_layers = p.num_layers;
    config.num_heads = p.num_heads;
    config.num_kv_heads = p.num_kv_heads;
    config.head_dim = p.head_dim;
    config.rope_theta = p.rope_theta;
    config.rms_norm_eps = p.rms_norm_eps;
    config.tie_word_embeddings = p.tie_word_embeddings != 0;
    config.weight_mode = weight_mode;
    config.validate();
    check_arg(device == SQLRL_DEVICE_CPU || device == SQLRL_DEVICE_CUDA,
              "device must be SQLRL_DEVICE_CPU (0) or SQLRL_DEVICE_CUDA (1), got " + std::to_string(device));
    if (device == SQLRL_DEVICE_CUDA && !torch::cuda::is_available()) {
      throw Unsupported("SQLRL_DEVICE_CUDA requested, but this libsqlrl was built without CUDA or sees no CUDA device");
    }
    auto handle = std::make_unique<ModelHandle>();
    Model& model = *handle->model;
    model.config = config;
    model.device = device == SQLRL_DEVICE_CUDA ? compat::cuda_device() : at::Device(at::kCPU);
    // CPU computes in fp32 (bf16 / NF4 weights are upcast at use); CUDA in bf16 unless weights are fp32.
    model.compute_dtype = device == SQLRL_DEVICE_CUDA && weight_mode != SQLRL_WEIGHTS_FP32 ? at::kBFloat16 : at::kFloat;
    *out_model = reinterpret_cast<sqlrl_model*>(handle.release());
  });
}

extern "C" int32_t sqlrl_model_set_weight(sqlrl_model* model, const char* name, const void* data, int32_t dtype,
                                          const int64_t* shape, int32_t ndim) {
  return guarded([&] {
    Model& m = model_of(model);
    check_not_null(name, "weight name");
    stage_weight(m, name, data, dtype, shape, ndim);
  });
}

extern "C" int32_t sqlrl_model_set_nf4_weight(sqlrl_model* model, const char* name, const uint8_t* codes, const float* absmax,
                                              const float* code_book, int32_t block, const int64_t* shape,
                                              int32_t ndim) {
  return guarded([&] {
    Model& m = model_of(model);
    check_not_null(name, "weight name");
    stage_nf4_weight(m, name, codes, absmax, code_book, block, shape, ndim);
  });
}

static void require_not_finalized(const Model& model, const char* what) {
  if (model.finalized) throw BadState(std::string(what) + " must be set before sqlrl_model_finalize");
}

extern "C" int32_t sqlrl_model_set_rope_llama3(sqlrl_model* model, double factor, double low_freq_factor,
                                               double high_freq_factor, double original_max_position_embeddings) {
  return guarded([&] {
    Model& m = model_of(model);
    require_not_finalized(m, "RoPE scaling");
    RopeLlama3 scaling{factor, low_freq_factor, high_freq_factor, original_max_position_embeddings};
    validate_rope_llama3(scaling);
    m.config.rope_llama3 = scaling;
  });
}

extern "C" int32_t sqlrl_model_set_sliding_window(sqlrl_model* model, int64_t window) {
  return guarded([&] {
    Model& m = model_of(model);
    require_not_finalized(m, "the sliding window");
    check_arg(window >= 0, "sliding window must be >= 0 (0 = off), got " + std::to_string(window));
    m.config.sliding_window = window;
  });
}

extern "C" int32_t sqlrl_rope_inverse_frequencies(int32_t head_dim, double rope_theta, double llama3_factor,
                                                  double low_freq_factor, double high_freq_factor,
                                                  double original_max_position_embeddings, float* out) {
  return guarded([&] {
    check_arg(head_dim > 0 && head_dim % 2 == 0, "head_dim must be positive and even, got " + std::to_string(head_dim));
    check_arg(rope_theta > 0, "rope_theta must be > 0, got " + std::to_string(rope_theta));
    check_not_null(out, "out");
    RopeLlama3 scaling{llama3_factor, low_freq_factor, high_freq_factor, original_max_position_embeddings};
    if (llama3_factor != 0) validate_rope_llama3(scaling);
    at::Tensor inv_freq = rope_inverse_frequencies(head_dim, rope_theta, scaling).contiguous();
    std::memcpy(out, inv_freq.data_ptr<float>(), sizeof(float) * (head_dim / 2));
  });
}

extern "C" int32_t sqlrl_model_set_double_quant(sqlrl_model* model, int32_t enabled) {
  return guarded([&] {
    Model& m = model_of(model);
    if (m.finalized) throw BadState("double quantization must be chosen before sqlrl_model_finalize");
    if (enabled && m.config.weight_mode != SQLRL_WEIGHTS_NF4) {
      throw BadState("double quantization applies to NF4 weights only (weight_mode = SQLRL_WEIGHTS_NF4)");
    }
    m.double_quant = enabled != 0;
  });
}

extern "C" int32_t sqlrl_model_finalize(sqlrl_model* model) {
  return guarded([&] { finalize_model(model_of(model)); });
}

extern "C" int32_t sqlrl_model_finalize_random(sqlrl_model* model, uint64_t seed) {
  return guarded([&] { finalize_random(model_of(model), seed); });
}

// The weights stay while a session holds them.
extern "C" void sqlrl_model_free(sqlrl_model* model) { free_tagged<ModelHandle>(model, model_of); }

extern "C" int32_t sqlrl_model_set_checkpointing(sqlrl_model* model, int32_t enabled) {
  return guarded([&] { model_of(model).checkpointing = enabled != 0; });
}

extern "C" int32_t sqlrl_model_set_dense_sampling(sqlrl_model* model, int32_t enabled) {
  return guarded([&] {
    check_arg(enabled >= SQLRL_DENSE_SAMPLING_OFF && enabled <= SQLRL_DENSE_SAMPLING_AUTO,
              "dense sampling must be SQLRL_DENSE_SAMPLING_OFF, _ON or _AUTO, got " + std::to_string(enabled));
    model_of(model).dense_sampling = enabled;
  });
}

extern "C" int32_t sqlrl_model_set_cuda_graphs(sqlrl_model* model, int32_t enabled) {
  return guarded([&] { model_of(model).cuda_graphs = enabled != 0; });
}

extern "C" int32_t sqlrl_model_set_decode_step(sqlrl_model* model, int32_t step) {
  return guarded([&] {
    if (step != SQLRL_DECODE_STEP_AUTO && step != SQLRL_DECODE_STEP_FUSED && step != SQLRL_DECODE_STEP_PLAIN) {
      throw InvalidArgument("decode step must be SQLRL_DECODE_STEP_AUTO, _FUSED or _PLAIN, got " + std::to_string(step));
    }
    model_of(model).decode_step = step;
  });
}

extern "C" int32_t sqlrl_model_decode_step_used(sqlrl_model* model, int32_t* out_step) {
  return guarded([&] {
    check_not_null(out_step, "out_step");
    *out_step = uses_fused_decode(model_of(model)) ? SQLRL_DECODE_STEP_FUSED : SQLRL_DECODE_STEP_PLAIN;
  });
}

extern "C" int32_t sqlrl_model_set_tensor_core_gemm(sqlrl_model* model, int32_t enabled) {
  return guarded([&] { model_of(model).tensor_core_gemm = enabled != 0; });
}

extern "C" int32_t sqlrl_model_set_logprob_chunk(sqlrl_model* model, int32_t rows) {
  return guarded([&] {
    Model& m = model_of(model);
    check_arg(rows > 0, "logprob chunk rows must be > 0, got " + std::to_string(rows));
    m.logprob_chunk = rows;
  });
}

extern "C" int32_t sqlrl_memory_stats(sqlrl_model* model, int64_t* out) {
  return guarded([&] {
    Model& m = model_of(model);
    check_not_null(out, "out");
    compat::DeviceMemory device = compat::device_memory(m.device);
    out[SQLRL_MEM_WEIGHT_BYTES] = weight_bytes(m);
    out[SQLRL_MEM_LORA_BYTES] = m.lora ? m.lora->bytes() : 0;
    out[SQLRL_MEM_DEVICE_ALLOCATED] = device.allocated;
    out[SQLRL_MEM_DEVICE_PEAK] = device.peak;
  });
}
