// The c10d process group behind sqlrl_dist: the rendezvous through a TCPStore (with checks that give each way of
// getting it wrong its own message), then Gloo or NCCL, and the bucketed LoRA collectives.
#include "process_group.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/Types.hpp>
// libtorch 2.x hides each backend's declarations behind USE_C10D_*, which its CMake config does not pass on; the
// backends are compiled in where their headers are (Gloo's from libgloo-dev or the libtorch, NCCL's on CUDA builds).
#if __has_include(<gloo/config.h>)
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#define SQLRL_WITH_GLOO 1
#endif
#if defined(SQLRL_WITH_CUDA) && __has_include(<nccl.h>)
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#define SQLRL_WITH_NCCL 1
#endif

#include <cstring>
#include <sstream>

#include "api_guard.h"
#include "torch_compat.h"

namespace sqlrl {

namespace {

// libtorch's messages carry a backtrace after the first line; a user needs the first.
std::string first_line(const std::string& message) {
  std::string line = message.substr(0, message.find('\n'));
  return line.empty() ? "unknown error" : line;
}

std::string seconds(std::chrono::milliseconds timeout) {
  std::ostringstream out;
  out << static_cast<double>(timeout.count()) / 1000.0 << " s";
  return out.str();
}

c10d::ReduceOp reduce_op(int32_t op) {
  switch (op) {
    case SQLRL_REDUCE_SUM: return c10d::ReduceOp::SUM;
    case SQLRL_REDUCE_MIN: return c10d::ReduceOp::MIN;
    case SQLRL_REDUCE_MAX: return c10d::ReduceOp::MAX;
    default: throw InvalidArgument("op must be SQLRL_REDUCE_SUM, _MIN or _MAX, got " + std::to_string(op));
  }
}

// Gloo and NCCL have the same collective calls but (in libtorch 1.13) no common base with them.
template <class Group>
class CollectivesOf : public Collectives {
 public:
  CollectivesOf(c10::intrusive_ptr<Group> group, at::Device device) : group_(std::move(group)), device_(device) {}

  std::function<void()> allreduce(std::vector<at::Tensor>& tensors, int32_t op) override {
    c10d::AllreduceOptions options;
    options.reduceOp = reduce_op(op);
    auto work = group_->allreduce(tensors, options);
    return [work] { work->wait(); };
  }

  void broadcast(at::Tensor& tensor, int32_t root) override {
    std::vector<at::Tensor> tensors{tensor};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    group_->broadcast(tensors, options)->wait();
  }

  void barrier() override { group_->barrier()->wait(); }

  at::Device device() const override { return device_; }

 private:
  c10::intrusive_ptr<Group> group_;
  at::Device device_;
};

// The store every rank meets at: rank 0 listens (unless a launcher already does), the others connect.
c10::intrusive_ptr<c10d::Store> open_store(const DistSettings& s) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<uint16_t>(s.master_port);
  options.isServer = s.rank == 0 && s.host_store;
  options.waitWorkers = false;  // the ranks are counted below, where a missing one can be named
  options.timeout = s.timeout;
  std::string where = s.master_addr + ":" + std::to_string(s.master_port);
  try {
    return c10::make_intrusive<c10d::TCPStore>(s.master_addr, options);
  } catch (const std::exception& e) {
    if (options.isServer) {
      throw BadState("rank 0 cannot listen on " + where + ": " + first_line(e.what()) +
                     " (another run on this port? choose another MASTER_PORT)");
    }
    throw BadState("rank " + std::to_string(s.rank) + " cannot reach the rendezvous store at " + where + " within " +
                   seconds(s.timeout) + ": " + first_line(e.what()) + " (is MASTER_ADDR right, and rank 0 started?)");
  }
}

// Before any connection of the backend: every rank is there, once, and all agree on the world size.
void check_rendezvous(c10d::Store& store, const DistSettings& s) {
  std::string me = std::to_string(s.rank);
  if (store.add("claim/" + me, 1) > 1) {
    throw BadState("rank " + me + " is claimed twice: another run may use " + s.master_addr + ":" +
                   std::to_string(s.master_port) + " (choose another MASTER_PORT)");
  }
  std::string world = std::to_string(s.world_size);
  store.set("world/" + me, std::vector<uint8_t>(world.begin(), world.end()));
  std::vector<std::string> keys;
  for (int32_t r = 0; r < s.world_size; ++r) keys.push_back("world/" + std::to_string(r));
  try {
    store.wait(keys, s.timeout);
  } catch (const std::exception&) {
    std::string missing;
    for (int32_t r = 0; r < s.world_size; ++r) {
      if (!store.check({keys[r]})) missing += (missing.empty() ? "" : ", ") + std::to_string(r);
    }
    throw BadState("rank " + me + " of " + world + ": ranks " + missing + " did not join within " +
                   seconds(s.timeout) + " at " + s.master_addr + ":" + std::to_string(s.master_port));
  }
  for (int32_t r = 0; r < s.world_size; ++r) {
    std::vector<uint8_t> value = store.get(keys[r]);
    std::string theirs(value.begin(), value.end());
    if (theirs != world) {
      throw BadState("world size mismatch: rank " + me + " says " + world + ", rank " + std::to_string(r) + " says " +
                     theirs + " (every rank must be started with the same WORLD_SIZE)");
    }
  }
}

}  // namespace

ProcessGroup::ProcessGroup(const DistSettings& settings) : settings_(settings) {
  c10::intrusive_ptr<c10d::Store> store =
      c10::make_intrusive<c10d::PrefixStore>("sqlrl", open_store(settings_));
  try {
    check_rendezvous(*store, settings_);
  } catch (const BadState&) {
    throw;
  } catch (const std::exception& e) {
    throw BadState("rank " + std::to_string(settings_.rank) + ": the rendezvous store at " + settings_.master_addr +
                   ":" + std::to_string(settings_.master_port) + " went away: " + first_line(e.what()) +
                   " (rank 0 stopped; its error says why)");
  }
  auto backend_store = c10::make_intrusive<c10d::PrefixStore>("group", store);
  try {
    if (settings_.backend == SQLRL_DIST_GLOO) {
#ifdef SQLRL_WITH_GLOO
      auto options = c10d::ProcessGroupGloo::Options::create(settings_.timeout);
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(
          settings_.master_addr == "127.0.0.1" || settings_.master_addr == "localhost" ? "127.0.0.1" : ""));
      if (options->devices.back() == nullptr) options->devices.back() = c10d::ProcessGroupGloo::createDefaultDevice();
      options->threads = 2;
      auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(backend_store, settings_.rank, settings_.world_size,
                                                                options);
      group_ = std::make_unique<CollectivesOf<c10d::ProcessGroupGloo>>(group, at::Device(at::kCPU));
#else
      throw Unsupported("SQLRL_DIST_GLOO: this libsqlrl was built without Gloo's headers (install libgloo-dev, or "
                        "build against a libtorch that ships them, and rebuild)");
#endif
    } else {
#ifdef SQLRL_WITH_NCCL
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = settings_.timeout;
      auto group = c10::make_intrusive<c10d::ProcessGroupNCCL>(backend_store, settings_.rank, settings_.world_size,
                                                               options);
      group_ = std::make_unique<CollectivesOf<c10d::ProcessGroupNCCL>>(group, compat::cuda_device());
#else
      throw Unsupported("SQLRL_DIST_NCCL needs a libsqlrl built against a CUDA libtorch with NCCL; this one has none "
                        "(use SQLRL_DIST_GLOO)");
#endif
    }
  } catch (const Unsupported&) {
    throw;
  } catch (const std::exception& e) {
    throw BadState("rank " + std::to_string(settings_.rank) + " of " + std::to_string(settings_.world_size) +
                   ": the backend could not connect the ranks: " + first_line(e.what()));
  }
}

ProcessGroup::~ProcessGroup() = default;

template <class F>
void ProcessGroup::collective(const char* what, F&& body) {
  try {
    body();
  } catch (const InvalidArgument&) {
    throw;
  } catch (const BadState&) {
    throw;
  } catch (const std::exception& e) {
    // With two ranks the one that stopped is the other; with more, its own output (or its launcher) names it.
    std::string who = settings_.world_size == 2 ? "rank " + std::to_string(1 - settings_.rank) : "a rank";
    throw BadState("rank " + std::to_string(settings_.rank) + " of " + std::to_string(settings_.world_size) +
                   ": the " + what + " failed: " + first_line(e.what()) + " (" + who + " stopped or is unreachable)");
  }
}

void ProcessGroup::check_same_adapters(const std::vector<at::Tensor>& tensors) {
  double count = static_cast<double>(tensors.size()), values = 0;
  for (const at::Tensor& t : tensors) values += static_cast<double>(t.numel());
  // max of (x, -x) gives the largest and the smallest: equal everywhere when both are this rank's
  double shape[4] = {count, -count, values, -values};
  allreduce_f64(shape, 4, SQLRL_REDUCE_MAX);
  if (shape[0] != count || -shape[1] != count || shape[2] != values || -shape[3] != values) {
    throw BadState("rank " + std::to_string(settings_.rank) + ": the ranks' LoRA adapters differ (" +
                   std::to_string(static_cast<int64_t>(count)) + " tensors of " +
                   std::to_string(static_cast<int64_t>(values)) + " values here): every rank must attach the same");
  }
}

void ProcessGroup::bucketed(std::vector<at::Tensor> tensors, bool broadcast, int32_t root, double scale) {
  at::Device device = group_->device();
  int64_t bucket_values = std::max<int64_t>(1, settings_.bucket_bytes / static_cast<int64_t>(sizeof(float)));
  struct Bucket {
    at::Tensor flat;
    size_t first, last;  // tensors [first, last)
  };
  std::vector<Bucket> buckets;
  for (size_t i = 0; i < tensors.size();) {
    size_t first = i;
    int64_t values = 0;
    std::vector<at::Tensor> parts;
    // a tensor larger than a bucket gets a bucket of its own
    while (i < tensors.size() && (parts.empty() || values + tensors[i].numel() <= bucket_values)) {
      values += tensors[i].numel();
      parts.push_back(tensors[i].detach().reshape({-1}).to(device, at::kFloat));
      ++i;
    }
    buckets.push_back({at::cat(parts), first, i});
  }
  if (broadcast) {
    for (Bucket& b : buckets) group_->broadcast(b.flat, root);
  } else {
    std::vector<std::function<void()>> waits;
    for (Bucket& b : buckets) {
      std::vector<at::Tensor> one{b.flat};
      waits.push_back(group_->allreduce(one, SQLRL_REDUCE_SUM));  // all in flight before the first wait
    }
    for (auto& wait : waits) wait();
  }
  c10::NoGradGuard no_grad;
  for (Bucket& b : buckets) {
    int64_t offset = 0;
    for (size_t t = b.first; t < b.last; ++t) {
      at::Tensor& target = tensors[t];
      at::Tensor part = b.flat.narrow(0, offset, target.numel()).view(target.sizes());
      if (scale != 1.0) part = part * scale;
      target.copy_(part);
      offset += target.numel();
    }
  }
}

void ProcessGroup::allreduce_lora_grads(LoraAdapters& lora, double scale) {
  collective("gradient all-reduce", [&] {
    std::vector<at::Tensor> grads;
    for (LoraTensor& t : lora.tensors()) {
      if (!t.value.grad().defined()) t.value.mutable_grad() = at::zeros_like(t.value);
      grads.push_back(t.value.mutable_grad());
    }
    check_same_adapters(grads);
    bucketed(grads, false, 0, scale);
  });
}

void ProcessGroup::broadcast_lora(LoraAdapters& lora, int32_t root) {
  check_arg(root >= 0 && root < settings_.world_size,
            "root " + std::to_string(root) + " is outside [0, " + std::to_string(settings_.world_size) + ")");
  collective("adapter broadcast", [&] {
    std::vector<at::Tensor> buffers;
    for (LoraTensor& t : lora.tensors()) {
      buffers.push_back(t.value.detach());
      buffers.push_back(t.adam_m);
      buffers.push_back(t.adam_v);
    }
    check_same_adapters(buffers);
    bucketed(buffers, true, root, 1.0);
  });
}

void ProcessGroup::allreduce_f64(double* values, int64_t n, int32_t op) {
  reduce_op(op);  // an unknown op is the caller's error, not a failed collective
  collective("all-reduce", [&] {
    at::Tensor buffer = at::from_blob(values, {n}, at::kDouble).to(group_->device(), at::kDouble, false, true);
    std::vector<at::Tensor> one{buffer};
    group_->allreduce(one, op)();
    at::Tensor host = buffer.to(at::kCPU).contiguous();
    std::memcpy(values, host.data_ptr<double>(), static_cast<size_t>(n) * sizeof(double));
  });
}

void ProcessGroup::broadcast_bytes(uint8_t* data, int64_t n, int32_t root) {
  check_arg(root >= 0 && root < settings_.world_size,
            "root " + std::to_string(root) + " is outside [0, " + std::to_string(settings_.world_size) + ")");
  collective("broadcast", [&] {
    at::Tensor buffer = at::from_blob(data, {n}, at::kByte).to(group_->device(), at::kByte, false, true);
    group_->broadcast(buffer, root);
    at::Tensor host = buffer.to(at::kCPU).contiguous();
    std::memcpy(data, host.data_ptr<uint8_t>(), static_cast<size_t>(n));
  });
}

void ProcessGroup::barrier() {
  collective("barrier", [&] { group_->barrier(); });
}

}  // namespace sqlrl
