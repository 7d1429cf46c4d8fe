// Log-probs of completion tokens through a chunked vocabulary projection, and their backward into
// the LoRA gradients, with optional per-layer gradient checkpointing.
#include <torch/csrc/autograd/autograd.h>

#include <optional>

#include "api_guard.h"
#include "model.h"
#include "torch_compat.h"

namespace sqlrl {

// log_softmax(logits / temperature)[target] for hidden rows [n, hidden] already through the final norm.
static at::Tensor logprobs_of_rows(const Model& model, const at::Tensor& rows, const at::Tensor& targets,
                                   double temperature) {
  at::Tensor logits = vocab_logits(model, rows);
  if (temperature != 1.0) logits = logits / temperature;
  return at::log_softmax(logits, -1).gather(1, targets.unsqueeze(1)).squeeze(1);
}

// Runs rows through the vocabulary projection chunk by chunk, so that only [chunk, vocab] logits
// exist at a time; grads non-null: backpropagates each chunk's slice of it at once (the chunk's
// graph is freed before the next one is built).
static at::Tensor chunked_logprobs(const Model& model, const at::Tensor& rows, const at::Tensor& targets,
                                   double temperature, const at::Tensor* grads) {
  int64_t count = rows.size(0);
  at::Tensor out = at::empty({count}, at::TensorOptions(model.device).dtype(at::kFloat));
  for (int64_t start = 0; start < count; start += model.logprob_chunk) {
    int64_t length = std::min(model.logprob_chunk, count - start);
    at::Tensor chunk = logprobs_of_rows(model, rows.narrow(0, start, length), targets.narrow(0, start, length),
                                        temperature);
    if (grads != nullptr) torch::autograd::backward({chunk}, {grads->narrow(0, start, length)});
    out.narrow(0, start, length).copy_(chunk.detach());
  }
  return out;
}

at::Tensor completion_logprobs(Session& session, const at::Tensor& tokens, const std::vector<int64_t>& seq_lens,
                               const std::vector<int64_t>& prompt_lens, bool use_adapters, double temperature,
                               bool keep_graph) {
  Model& model = *session.model;
  bool adapters = model.adapters_active(use_adapters);
  if (keep_graph && !adapters) {
    throw BadState("keep_graph = 1 needs LoRA adapters: attach them (sqlrl_lora_attach), enable them and pass "
                   "use_adapters = 1");
  }
  // The token at position p is predicted by the hidden state at p - 1.
  std::vector<int64_t> row_batch, row_position;
  for (size_t i = 0; i < seq_lens.size(); ++i) {
    for (int64_t p = prompt_lens[i]; p < seq_lens[i]; ++p) {
      row_batch.push_back(static_cast<int64_t>(i));
      row_position.push_back(p - 1);
    }
  }
  auto graph = std::make_unique<PendingGraph>();
  at::TensorOptions index_options = at::TensorOptions(model.device).dtype(at::kLong);
  graph->row_batch = at::tensor(row_batch, at::kLong).to(index_options);
  graph->row_position = at::tensor(row_position, at::kLong).to(index_options);
  graph->targets = tokens.index({graph->row_batch, graph->row_position + 1});
  graph->temperature = temperature;
  graph->checkpointed = keep_graph && model.checkpointing;
  graph->batch = tokens.size(0);
  graph->length = tokens.size(1);
  ForwardMode mode{adapters, false, 0};
  if (keep_graph && model.lora->settings().dropout > 0) {
    mode.dropout = true;
    mode.dropout_seed = session.next_dropout_seed;
    session.next_dropout_seed += static_cast<uint64_t>(model.config.num_layers);
  }
  graph->dropout = mode.dropout;
  graph->dropout_seed = mode.dropout_seed;
  graph->adapters_generation = model.adapters_generation;

  at::Tensor x = embed(model, tokens);
  Positions positions = causal_positions(model, tokens.size(1));
  {
    // Checkpointing runs the forward without a graph and keeps only each layer's input.
    std::optional<c10::NoGradGuard> no_grad;
    if (!keep_graph || graph->checkpointed) no_grad.emplace();
    for (int64_t layer = 0; layer < model.config.num_layers; ++layer) {
      if (graph->checkpointed) graph->layer_inputs.push_back(x.detach());
      x = decoder_layer(model, layer, x, positions, mode);
    }
  }
  at::Tensor logprobs;
  {
    c10::NoGradGuard no_grad;
    at::Tensor rows = final_rms_norm(model, x.index({graph->row_batch, graph->row_position}));
    logprobs = chunked_logprobs(model, rows, graph->targets, temperature, nullptr);
  }
  if (keep_graph) {
    graph->last_hidden = x;
    session.pending = std::move(graph);
  }
  return logprobs;
}

void backward_pending(Session& session, const at::Tensor& grad_logprobs) {
  std::unique_ptr<PendingGraph> graph = std::move(session.pending);  // dropped however this ends
  Model& model = *session.model;
  if (graph->adapters_generation != model.adapters_generation) {
    throw BadState("the LoRA adapters were attached again since this session's sqlrl_logprobs: its graph refers to "
                   "the replaced ones; call sqlrl_logprobs again");
  }
  c10::AutoGradMode grad_mode(true);
  // The vocabulary projection is recomputed chunk by chunk into d loss / d rows, then through the
  // final norm into d loss / d (last decoder layer's output).
  at::Tensor last = graph->last_hidden.detach().requires_grad_(true);
  at::Tensor rows = final_rms_norm(model, last.index({graph->row_batch, graph->row_position}));
  at::Tensor rows_leaf = rows.detach().requires_grad_(true);
  chunked_logprobs(model, rows_leaf, graph->targets, graph->temperature, &grad_logprobs);
  torch::autograd::backward({rows}, {rows_leaf.grad()});
  at::Tensor upstream = last.grad();
  if (!graph->checkpointed) {
    torch::autograd::backward({graph->last_hidden}, {upstream});
    return;
  }
  // Recompute each layer from its saved input, last to first, with the same dropout draws.
  ForwardMode mode{true, graph->dropout, graph->dropout_seed};
  Positions positions = causal_positions(model, graph->length);
  for (int64_t layer = model.config.num_layers - 1; layer >= 0; --layer) {
    at::Tensor input = graph->layer_inputs[layer].detach().requires_grad_(layer > 0);
    at::Tensor output = decoder_layer(model, layer, input, positions, mode);
    torch::autograd::backward({output}, {upstream});
    graph->layer_inputs[layer] = at::Tensor();
    if (layer > 0) upstream = input.grad();
  }
}

}  // namespace sqlrl
