// Sessions: each carries its own pending graph, dropout seed and step callback, apart from the shared model.
#include <memory>

#include "test_harness.h"
#include "tiny_model.h"

using namespace sqlrl_test;

namespace {

constexpr int32_t kAllTargets = 127;

struct Session {
  sqlrl_session* handle = nullptr;
  explicit Session(sqlrl_model* model) { CHECK_OK(sqlrl_session_create(model, &handle)); }
  ~Session() { sqlrl_session_free(handle); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

std::vector<float> logprobs(sqlrl_session* session, const Packed& batch, const std::vector<int32_t>& prompts,
                            bool keep_graph) {
  size_t n = 0;
  for (size_t i = 0; i < prompts.size(); ++i) n += batch.lengths[i] - prompts[i];
  std::vector<float> out(n);
  CHECK_OK(sqlrl_logprobs(session, batch.tokens.data(), batch.lengths.data(), prompts.data(), batch.count(), 1, 1.0,
                          keep_graph ? 1 : 0, out.data()));
  return out;
}

void backward_ones(sqlrl_session* session, size_t n) {
  std::vector<float> grads(n, 1.0f);
  CHECK_OK(sqlrl_backward(session, grads.data(), static_cast<int64_t>(n)));
}

std::vector<float> all_grads(const TinyModel& model) {
  std::vector<float> out;
  for (int32_t i = 0; i < model.lora_count(); ++i) {
    std::vector<float> g = model.lora_read(i, SQLRL_LORA_GRAD);
    out.insert(out.end(), g.begin(), g.end());
  }
  return out;
}

int32_t count_steps(void* context, int32_t, const int32_t*, int32_t) {
  ++*static_cast<int*>(context);
  return 0;
}

void generate_greedy(sqlrl_session* session, int32_t max_new) {
  int32_t prompt[3] = {5, 6, 7}, lengths[1] = {3};
  std::vector<int32_t> tokens(max_new), out_lengths(1);
  std::vector<float> lps(max_new);
  sqlrl_generate_params params;
  sqlrl_generate_params_init(&params);
  params.greedy = 1;
  params.max_new_tokens = max_new;
  CHECK_OK(sqlrl_generate(session, prompt, lengths, 1, &params, tokens.data(), lps.data(), out_lengths.data()));
}

}  // namespace

// A session's logprobs(keep_graph) leaves another session's pending graph alone: each backward gives its own batch's
// gradient, as if the sessions had run one after the other.
TEST(sessions_keep_their_own_pending_graphs) {
  Packed first = Packed::of(random_sequences(2, 4, 8, 97, 21)), second = Packed::of(random_sequences(3, 4, 8, 97, 22));
  std::vector<int32_t> first_prompts = {2, 1}, second_prompts = {1, 3, 2};
  TinyModel shared(TinySpec{}), alone(TinySpec{});
  for (TinyModel* m : {&shared, &alone}) {
    m->attach_lora(4, 8.0, kAllTargets);
    m->randomize_lora_b(5);
  }
  Session trainer(shared.handle()), evaluator(shared.handle());
  size_t n1 = logprobs(trainer.handle, first, first_prompts, true).size();
  size_t n2 = logprobs(evaluator.handle, second, second_prompts, true).size();
  backward_ones(trainer.handle, n1);
  CHECK_OK(sqlrl_zero_grad(alone.handle()));
  logprobs(alone.session(), first, first_prompts, true);
  backward_ones(alone.session(), n1);
  CHECK(max_abs_difference(all_grads(shared), all_grads(alone)) < 1e-6);
  backward_ones(evaluator.handle, n2);
  logprobs(alone.session(), second, second_prompts, true);
  backward_ones(alone.session(), n2);
  CHECK(max_abs_difference(all_grads(shared), all_grads(alone)) < 1e-6);
  std::vector<float> grads(n1, 1.0f);
  CHECK_FAILS(sqlrl_backward(trainer.handle, grads.data(), static_cast<int64_t>(n1)), SQLRL_ERR_STATE,
              "no pending graph");
}

// Dropout masks come from the session's own seed: another session's passes do not advance it.
TEST(sessions_draw_dropout_from_their_own_seeds) {
  TinyModel model(TinySpec{});
  model.attach_lora(4, 8.0, kAllTargets, 0.5);
  model.randomize_lora_b(6);
  Packed batch = Packed::of(random_sequences(2, 5, 8, 97, 23));
  std::vector<int32_t> prompts = {1, 2};
  Session a(model.handle()), b(model.handle());
  CHECK_OK(sqlrl_session_set_dropout_seed(a.handle, 11));
  CHECK_OK(sqlrl_session_set_dropout_seed(b.handle, 11));
  std::vector<float> a_first = logprobs(a.handle, batch, prompts, true);
  std::vector<float> a_second = logprobs(a.handle, batch, prompts, true);
  std::vector<float> b_first = logprobs(b.handle, batch, prompts, true);
  CHECK(max_abs_difference(a_first, b_first) == 0.0);
  CHECK(max_abs_difference(a_first, a_second) > 1e-4);  // a's seed moved on, so its masks did
}

TEST(a_step_callback_belongs_to_its_session) {
  TinyModel model(TinySpec{});
  Session listened(model.handle()), other(model.handle());
  int steps = 0;
  CHECK_OK(sqlrl_session_set_step_callback(listened.handle, reinterpret_cast<void*>(&count_steps), &steps));
  generate_greedy(other.handle, 4);
  CHECK(steps == 0);
  generate_greedy(listened.handle, 4);
  CHECK(steps == 4);
}

// The model's weights stay while a session holds them, after sqlrl_model_free.
TEST(a_session_keeps_its_model_alive) {
  auto model = std::make_unique<TinyModel>(TinySpec{});
  Packed batch = Packed::of(random_sequences(2, 4, 7, 97, 24));
  std::vector<int32_t> prompts = {1, 1};
  Session session(model->handle());
  std::vector<float> before = logprobs(session.handle, batch, prompts, false);
  model.reset();
  CHECK(max_abs_difference(before, logprobs(session.handle, batch, prompts, false)) == 0.0);
}

TEST(backward_refuses_a_graph_over_replaced_adapters) {
  TinyModel model(TinySpec{});
  model.attach_lora(4, 8.0, kAllTargets);
  Packed batch = Packed::of({{1, 2, 3, 4}});
  size_t n = logprobs(model.session(), batch, {1}, true).size();
  model.attach_lora(4, 8.0, kAllTargets);
  std::vector<float> grads(n, 1.0f);
  CHECK_FAILS(sqlrl_backward(model.session(), grads.data(), static_cast<int64_t>(n)), SQLRL_ERR_STATE,
              "attached again");
  CHECK_FAILS(sqlrl_backward(model.session(), grads.data(), static_cast<int64_t>(n)), SQLRL_ERR_STATE,
              "no pending graph");  // the refused graph is dropped
}

TEST(session_calls_check_their_handles) {
  sqlrl_session* out = reinterpret_cast<sqlrl_session*>(0x1);
  CHECK_FAILS(sqlrl_session_create(nullptr, &out), SQLRL_ERR_INVALID_ARGUMENT, "model is null");
  CHECK(out == nullptr);
  TinyModel model(TinySpec{});
  CHECK_FAILS(sqlrl_session_create(model.handle(), nullptr), SQLRL_ERR_INVALID_ARGUMENT, "out_session");
  CHECK_FAILS(sqlrl_session_set_dropout_seed(nullptr, 1), SQLRL_ERR_INVALID_ARGUMENT, "session is null");
  uint64_t not_a_session[4] = {1, 2, 3, 4};
  CHECK_FAILS(sqlrl_session_set_dropout_seed(reinterpret_cast<sqlrl_session*>(not_a_session), 1),
              SQLRL_ERR_INVALID_ARGUMENT, "not a handle from sqlrl_session_create");
  sqlrl_session_free(nullptr);  // a no-op

  sqlrl_model* unfinished = nullptr;
  CHECK_OK(create_model(SQLRL_ARCH_QWEN2, 97, 32, 48, 1, 4, 2, 0, 10000.0, 1e-6, 1, SQLRL_WEIGHTS_FP32,
                        SQLRL_DEVICE_CPU, &unfinished));
  Session early(unfinished);
  int32_t tokens[3] = {1, 2, 3}, lengths[1] = {3}, prompts[1] = {1};
  float out_logprobs[2];
  CHECK_FAILS(sqlrl_logprobs(early.handle, tokens, lengths, prompts, 1, 0, 1.0, 0, out_logprobs), SQLRL_ERR_STATE,
              "not finalized");
  sqlrl_model_free(unfinished);
}
