#include "api_inputs.h"

#include <algorithm>

#include "api_guard.h"

namespace sqlrl {

std::shared_ptr<Model> shared_model_of(sqlrl_model* handle) {
  check_arg(handle != nullptr, "model is null");
  auto* model_handle = reinterpret_cast<ModelHandle*>(handle);
  check_arg(model_handle->tag == ModelHandle::kTag, "model is not a handle from sqlrl_model_create (or was freed)");
  return model_handle->model;
}

Model& model_of(sqlrl_model* handle) { return *shared_model_of(handle); }

Model& ready_model_of(sqlrl_model* handle) {
  Model& model = model_of(handle);
  if (!model.finalized) throw BadState("the model is not finalized: call sqlrl_model_finalize after setting weights");
  return model;
}

LoraAdapters& adapters_of(Model& model) {
  if (!model.lora) throw BadState("no LoRA adapters attached: call sqlrl_lora_attach first");
  return *model.lora;
}

Session& session_of(sqlrl_session* handle) {
  check_arg(handle != nullptr, "session is null");
  auto* session_handle = reinterpret_cast<SessionHandle*>(handle);
  check_arg(session_handle->tag == SessionHandle::kTag,
            "session is not a handle from sqlrl_session_create (or was freed)");
  return session_handle->session;
}

Session& ready_session_of(sqlrl_session* handle) {
  Session& session = session_of(handle);
  if (!session.model->finalized) {
    throw BadState("the session's model is not finalized: call sqlrl_model_finalize after setting weights");
  }
  return session;
}

PaddedBatch pad_packed(const Model& model, const int32_t* tokens, const int32_t* lengths, int32_t count,
                       const char* what) {
  std::string noun(what);
  check_arg(count > 0, "the number of " + noun + "s must be > 0, got " + std::to_string(count));
  check_not_null(tokens, (noun + " tokens").c_str());
  check_not_null(lengths, (noun + " lengths").c_str());
  PaddedBatch batch;
  int64_t longest = 0;
  for (int32_t i = 0; i < count; ++i) {
    check_arg(lengths[i] > 0, noun + " " + std::to_string(i) + " has length " + std::to_string(lengths[i]) +
                                  "; lengths must be > 0");
    batch.lengths.push_back(lengths[i]);
    batch.total_tokens += lengths[i];
    longest = std::max<int64_t>(longest, lengths[i]);
  }
  at::Tensor padded = at::zeros({count, longest}, at::kLong);
  int64_t* rows = padded.data_ptr<int64_t>();
  int64_t offset = 0;
  for (int32_t i = 0; i < count; ++i) {
    for (int64_t p = 0; p < batch.lengths[i]; ++p) {
      int32_t token = tokens[offset + p];
      check_arg(token >= 0 && token < model.config.vocab_size,
                "token id " + std::to_string(token) + " at " + noun + " " + std::to_string(i) + ", position " +
                    std::to_string(p) + " is outside [0, " + std::to_string(model.config.vocab_size) + ")");
      rows[i * longest + p] = token;
    }
    offset += batch.lengths[i];
  }
  batch.tokens = padded.to(model.device);
  return batch;
}

}  // namespace sqlrl
