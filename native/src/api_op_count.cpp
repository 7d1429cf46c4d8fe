// extern "C": counting dispatched ATen operators with libtorch's RecordFunction (see sqlrl.h).
#include <ATen/record_function.h>

#include <atomic>
#include <mutex>

#include "api_guard.h"

namespace {
std::atomic<int64_t> op_count{0};
std::mutex counting_mutex;  // guards `handle`: start and stop may come from different threads
at::CallbackHandle handle = 0;

// Only the outermost operator of a call counts: the calls libsqlrl makes, not the operators those call in
// turn (at::linear's matmul, views, allocations), which vary with the libtorch version and backend.
thread_local int depth = 0;
void end_op(const at::RecordFunction&, at::ObserverContext*) { --depth; }
std::unique_ptr<at::ObserverContext> count_op(const at::RecordFunction&) {
  if (depth++ > 0) return nullptr;
  op_count.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}
}  // namespace

extern "C" int32_t sqlrl_op_count_start(void) {
  return sqlrl::guarded([&] {
    std::lock_guard<std::mutex> lock(counting_mutex);
    if (handle != 0) throw sqlrl::BadState("op counting is already running (sqlrl_op_count_start called twice)");
    op_count.store(0);
    // FUNCTION: the ATen operators themselves, not user scopes or backward nodes.
    handle = at::addGlobalCallback(
        at::RecordFunctionCallback(count_op, end_op).needsInputs(false).scopes({at::RecordScope::FUNCTION}));
  });
}

extern "C" int32_t sqlrl_op_count_stop(int64_t* out_ops) {
  return sqlrl::guarded([&] {
    sqlrl::check_not_null(out_ops, "out_ops");
    std::lock_guard<std::mutex> lock(counting_mutex);
    if (handle == 0) throw sqlrl::BadState("op counting is not running (call sqlrl_op_count_start first)");
    at::removeCallback(handle);
    handle = 0;
    *out_ops = op_count.load();
  });
}
