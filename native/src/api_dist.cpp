// extern "C": the data-parallel process group (sqlrl_dist), its checks and its handle.
#include <cstring>

#include "api_guard.h"
#include "api_inputs.h"
#include "process_group.h"

using namespace sqlrl;

namespace {

// A heap process group behind the sqlrl_dist* handle, tagged like the model's.
struct DistHandle {
  static constexpr uint64_t kTag = 0x73716c726c647374ULL;  // "sqlrldst"
  uint64_t tag = kTag;
  std::unique_ptr<ProcessGroup> group;
};

ProcessGroup& group_of(sqlrl_dist* handle) {
  check_arg(handle != nullptr, "dist is null");
  auto* dist = reinterpret_cast<DistHandle*>(handle);
  check_arg(dist->tag == DistHandle::kTag, "dist is not a handle from sqlrl_dist_create (or was freed)");
  return *dist->group;
}

// A caller's buffer of n values: n >= 0, and not null unless empty. False when there is nothing to exchange.
bool has_values(const void* data, int64_t n, const char* name) {
  check_arg(n >= 0, "n must be >= 0, got " + std::to_string(n));
  if (n == 0) return false;
  check_not_null(data, name);
  return true;
}

}  // namespace

extern "C" void sqlrl_dist_params_init(sqlrl_dist_params* params) {
  if (params == nullptr) return;
  *params = sqlrl_dist_params{};
  params->world_size = 1;
  params->master_addr = "127.0.0.1";
  params->master_port = 29500;
  params->host_store = 1;
  params->backend = SQLRL_DIST_GLOO;
  params->timeout_ms = 600000;
  params->bucket_bytes = 26214400;
}

extern "C" int32_t sqlrl_dist_create(const sqlrl_dist_params* params, sqlrl_dist** out_dist) {
  return guarded([&] {
    check_not_null(out_dist, "out_dist");
    *out_dist = nullptr;
    check_not_null(params, "params");
    const sqlrl_dist_params& p = *params;
    check_arg(p.world_size >= 1, "world_size must be >= 1, got " + std::to_string(p.world_size));
    check_arg(p.rank >= 0 && p.rank < p.world_size, "rank " + std::to_string(p.rank) + " is outside [0, " +
                                                        std::to_string(p.world_size) + ")");
    check_not_null(p.master_addr, "master_addr");
    check_arg(std::strlen(p.master_addr) > 0, "master_addr is empty");
    check_arg(p.master_port >= 1 && p.master_port <= 65535,
              "master_port must be in 1..65535, got " + std::to_string(p.master_port));
    check_arg(p.backend == SQLRL_DIST_GLOO || p.backend == SQLRL_DIST_NCCL,
              "backend must be SQLRL_DIST_GLOO (0) or SQLRL_DIST_NCCL (1), got " + std::to_string(p.backend));
    check_arg(p.timeout_ms > 0, "timeout_ms must be > 0, got " + std::to_string(p.timeout_ms));
    check_arg(p.bucket_bytes > 0, "bucket_bytes must be > 0, got " + std::to_string(p.bucket_bytes));
    DistSettings settings;
    settings.rank = p.rank;
    settings.world_size = p.world_size;
    settings.master_addr = p.master_addr;
    settings.master_port = p.master_port;
    settings.host_store = p.host_store != 0;
    settings.backend = p.backend;
    settings.timeout = std::chrono::milliseconds(p.timeout_ms);
    settings.bucket_bytes = p.bucket_bytes;
    auto handle = std::make_unique<DistHandle>();
    handle->group = std::make_unique<ProcessGroup>(settings);
    *out_dist = reinterpret_cast<sqlrl_dist*>(handle.release());
  });
}

extern "C" void sqlrl_dist_free(sqlrl_dist* dist) { free_tagged<DistHandle>(dist, group_of); }

extern "C" int32_t sqlrl_dist_allreduce_lora_grads(sqlrl_dist* dist, sqlrl_model* model, double scale) {
  return guarded([&] {
    ProcessGroup& group = group_of(dist);
    check_arg(std::isfinite(scale), "scale must be finite, got " + std::to_string(scale));
    group.allreduce_lora_grads(adapters_of(ready_model_of(model)), scale);
  });
}

extern "C" int32_t sqlrl_dist_broadcast_lora(sqlrl_dist* dist, sqlrl_model* model, int32_t root) {
  return guarded([&] { group_of(dist).broadcast_lora(adapters_of(ready_model_of(model)), root); });
}

extern "C" int32_t sqlrl_dist_allreduce_f64(sqlrl_dist* dist, double* values, int64_t n, int32_t op) {
  return guarded([&] {
    ProcessGroup& group = group_of(dist);
    if (has_values(values, n, "values")) group.allreduce_f64(values, n, op);
  });
}

extern "C" int32_t sqlrl_dist_broadcast_bytes(sqlrl_dist* dist, uint8_t* data, int64_t n, int32_t root) {
  return guarded([&] {
    ProcessGroup& group = group_of(dist);
    if (has_values(data, n, "data")) group.broadcast_bytes(data, n, root);
  });
}

extern "C" int32_t sqlrl_dist_barrier(sqlrl_dist* dist) {
  return guarded([&] { group_of(dist).barrier(); });
}
