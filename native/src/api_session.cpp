// extern "C": sessions, the per-user state of a model (pending graph, dropout seed, step callback).
#include "api_guard.h"
#include "api_inputs.h"

using namespace sqlrl;

extern "C" int32_t sqlrl_session_create(sqlrl_model* model, sqlrl_session** out_session) {
  return guarded([&] {
    check_not_null(out_session, "out_session");
    *out_session = nullptr;
    auto handle = std::make_unique<SessionHandle>();
    handle->session.model = shared_model_of(model);
    *out_session = reinterpret_cast<sqlrl_session*>(handle.release());
  });
}

extern "C" void sqlrl_session_free(sqlrl_session* session) { free_tagged<SessionHandle>(session, session_of); }

extern "C" int32_t sqlrl_session_set_dropout_seed(sqlrl_session* session, uint64_t seed) {
  return guarded([&] { session_of(session).next_dropout_seed = seed; });
}

extern "C" int32_t sqlrl_session_set_step_callback(sqlrl_session* session, void* callback, void* context) {
  return guarded([&] {
    Session& s = session_of(session);
    s.step_callback = reinterpret_cast<StepCallback>(callback);
    s.step_context = context;
  });
}
