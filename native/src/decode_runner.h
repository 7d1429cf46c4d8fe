// Runs the decode step of one generate call: each time as it is, or (CUDA, when asked) recorded once into a
// CUDA graph and replayed, which issues the step's thousands of kernels with one launch instead of one host
// dispatch each (the bound on small-batch decode). The step must read its inputs from, and write its state
// into, tensors whose addresses stay the same for the whole call; its shapes must not change between steps.
#pragma once
#include <ATen/ATen.h>

#include <functional>
#include <memory>

namespace sqlrl {

class DecodeRunner {
 public:
  DecodeRunner(std::function<at::Tensor()> step, bool use_graph);
  ~DecodeRunner();
  DecodeRunner(const DecodeRunner&) = delete;
  DecodeRunner& operator=(const DecodeRunner&) = delete;

  // The step's output (fp32 logits). With a graph, the tensor is overwritten by the next call.
  at::Tensor run();

 private:
  std::function<at::Tensor()> step_;
  bool use_graph_;
  struct Graph;  // CUDA's types stay in the .cpp: CPU builds have no CUDA headers
  std::unique_ptr<Graph> graph_;
};

}  // namespace sqlrl
