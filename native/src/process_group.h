// A data-parallel group over libtorch's own c10d: a TCPStore for the rendezvous, Gloo (CPU) or NCCL (CUDA) for the
// collectives. Every failure is a BadState whose one-line message says what went wrong and where.
#pragma once
#include <ATen/ATen.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lora.h"

namespace sqlrl {

struct DistSettings {
  int32_t rank = 0;
  int32_t world_size = 1;
  std::string master_addr = "127.0.0.1";
  int32_t master_port = 29500;
  bool host_store = true;
  int32_t backend = 0;  // SQLRL_DIST_*
  std::chrono::milliseconds timeout{600000};
  int64_t bucket_bytes = 26214400;
};

// The c10d calls the group makes, so that Gloo and NCCL (one type each, no common base in libtorch 1.13) look alike.
class Collectives {
 public:
  virtual ~Collectives() = default;
  // Starts an all-reduce (SQLRL_REDUCE_*) of each tensor in place; the returned function waits for it.
  virtual std::function<void()> allreduce(std::vector<at::Tensor>& tensors, int32_t op) = 0;
  virtual void broadcast(at::Tensor& tensor, int32_t root) = 0;
  virtual void barrier() = 0;
  // Where the group's buffers live: the CPU for Gloo, the GPU for NCCL.
  virtual at::Device device() const = 0;
};

class ProcessGroup {
 public:
  // Joins the group (rendezvous checks, then the backend's connections); throws BadState naming the cause.
  explicit ProcessGroup(const DistSettings& settings);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  void allreduce_lora_grads(LoraAdapters& lora, double scale);
  void broadcast_lora(LoraAdapters& lora, int32_t root);
  void allreduce_f64(double* values, int64_t n, int32_t op);
  void broadcast_bytes(uint8_t* data, int64_t n, int32_t root);
  void barrier();

 private:
  // Runs one collective step; any exception becomes "rank R of W: the WHAT failed: ...".
  template <class F>
  void collective(const char* what, F&& body);
  // Fails unless every rank's adapters have as many tensors and values as this one's.
  void check_same_adapters(const std::vector<at::Tensor>& tensors);
  // Sums (or, for broadcast, copies from root) `tensors` through flat buckets of at most bucket_bytes.
  void bucketed(std::vector<at::Tensor> tensors, bool broadcast, int32_t root, double scale);

  DistSettings settings_;
  std::unique_ptr<Collectives> group_;
};

}  // namespace sqlrl
