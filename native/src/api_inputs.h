// Checks at the ABI boundary shared by the api_*.cpp files: model handles and packed sequences.
#pragma once
#include <ATen/ATen.h>

#include <memory>
#include <vector>

#include "api_guard.h"
#include "model.h"
#include "sqlrl.h"

namespace sqlrl {

// A heap model behind the sqlrl_model* handle, tagged so that a stray pointer is reported, not used. Shared with
// the model's sessions, which may outlive the handle.
struct ModelHandle {
  static constexpr uint64_t kTag = 0x73716c726c6d646cULL;  // "sqlrlmdl"
  uint64_t tag = kTag;
  std::shared_ptr<Model> model = std::make_shared<Model>();
};

// A session behind the sqlrl_session* handle, tagged likewise.
struct SessionHandle {
  static constexpr uint64_t kTag = 0x73716c726c736573ULL;  // "sqlrlses"
  uint64_t tag = kTag;
  Session session;
};

// The body of every sqlrl_*_free: nothing for null; `check` (model_of, session_of, ...) throws for a foreign or
// already freed pointer, which is then reported instead of deleted; the tag is cleared so a second free is refused.
template <typename Handle, typename Opaque, typename Check>
void free_tagged(Opaque* opaque, Check check) {
  guarded([&] {
    if (opaque == nullptr) return;
    check(opaque);
    auto* handle = reinterpret_cast<Handle*>(opaque);
    handle->tag = 0;
    delete handle;
  });
}

// The model behind a handle; throws InvalidArgument for null or foreign pointers.
Model& model_of(sqlrl_model* handle);
// The same, and the model must be finalized.
Model& ready_model_of(sqlrl_model* handle);
std::shared_ptr<Model> shared_model_of(sqlrl_model* handle);
// The model's LoRA adapters; throws BadState when none are attached.
LoraAdapters& adapters_of(Model& model);

// The session behind a handle; throws InvalidArgument for null or foreign pointers.
Session& session_of(sqlrl_session* handle);
// The same, and its model must be finalized.
Session& ready_session_of(sqlrl_session* handle);

// Packed sequences, validated and right-padded with token 0 into [n, longest] int64 on the model's device.
struct PaddedBatch {
  at::Tensor tokens;
  std::vector<int64_t> lengths;
  int64_t total_tokens = 0;
};
PaddedBatch pad_packed(const Model& model, const int32_t* tokens, const int32_t* lengths, int32_t count,
                       const char* what);

}  // namespace sqlrl
