#include "decode_runner.h"

#include "api_guard.h"

#ifdef SQLRL_WITH_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace sqlrl {

struct DecodeRunner::Graph {
#ifdef SQLRL_WITH_CUDA
  at::cuda::CUDAGraph graph;
  at::Tensor output;  // lives in the graph's memory pool; each replay rewrites it
#endif
};

DecodeRunner::DecodeRunner(std::function<at::Tensor()> step, bool use_graph)
    : step_(std::move(step)), use_graph_(use_graph) {
#ifndef SQLRL_WITH_CUDA
  if (use_graph_) throw Unsupported("CUDA graphs need a CUDA build of libsqlrl");
#endif
}

DecodeRunner::~DecodeRunner() = default;

at::Tensor DecodeRunner::run() {
  if (!use_graph_) return step_();
#ifdef SQLRL_WITH_CUDA
  if (graph_) {
    graph_->graph.replay();
    return graph_->output;
  }
  // As torch.cuda.graphs does: capture on a side stream, after an eager run of the same step on it (lazy
  // set-up such as cuBLAS handles and workspaces must happen outside the capture). The eager run is this
  // step's result; recording writes nothing, and each replay rewrites the same K/V slots from its inputs.
  graph_ = std::make_unique<Graph>();
  c10::cuda::device_synchronize();
  at::Tensor first;
  {
    c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool();
    c10::cuda::CUDAStreamGuard on_side(side);
    first = step_();
    graph_->graph.capture_begin();
    graph_->output = step_();
    graph_->graph.capture_end();
  }
  c10::cuda::device_synchronize();
  return first;
#else
  return step_();  // unreachable: the constructor refused
#endif
}

}  // namespace sqlrl
