// LoRA adapters, log-prob backward (checkpointed or not) against finite differences, AdamW.
#include <random>

#include "test_harness.h"
#include "tiny_model.h"

using namespace sqlrl_test;

namespace {

constexpr int32_t kAllTargets = 127;

std::vector<float> random_vector(size_t n, uint64_t seed, float scale = 1.0f) {
  std::mt19937_64 random(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> out(n);
  for (float& v : out) v = normal(random);
  return out;
}

std::string lora_name(const TinyModel& model, int32_t index, int64_t* shape) {
  char name[256];
  CHECK_OK(sqlrl_lora_info(model.handle(), index, name, sizeof(name), shape));
  return name;
}

// The training batch of these tests: three ragged sequences with prompts.
struct TrainingBatch {
  Packed batch = Packed::of(random_sequences(3, 4, 9, 97, 77));
  std::vector<int32_t> prompts = {2, 1, 3};
  size_t completion_tokens() const {
    size_t n = 0;
    for (size_t i = 0; i < prompts.size(); ++i) n += batch.lengths[i] - prompts[i];
    return n;
  }
};

void backward(TinyModel& model, const TrainingBatch& data, const std::vector<float>& grads, double temperature = 1.0) {
  model.logprobs(data.batch, data.prompts, true, temperature, true);
  CHECK_OK(sqlrl_backward(model.session(), grads.data(), static_cast<int64_t>(grads.size())));
}

std::vector<std::vector<float>> all_grads(const TinyModel& model) {
  std::vector<std::vector<float>> grads;
  for (int32_t i = 0; i < model.lora_count(); ++i) grads.push_back(model.lora_read(i, SQLRL_LORA_GRAD));
  return grads;
}

}  // namespace

TEST(lora_info_lists_a_then_b_per_linear_in_layer_and_module_order) {
  TinyModel model(TinySpec{});
  model.attach_lora(4, 8.0, SQLRL_LORA_Q | SQLRL_LORA_O | SQLRL_LORA_DOWN);
  CHECK(model.lora_count() == 2 * 3 * 2);
  int64_t shape[2];
  const char* expected[] = {"model.layers.0.self_attn.q_proj.lora_A.weight", "model.layers.0.self_attn.q_proj.lora_B.weight",
                            "model.layers.0.self_attn.o_proj.lora_A.weight", "model.layers.0.self_attn.o_proj.lora_B.weight",
                            "model.layers.0.mlp.down_proj.lora_A.weight",    "model.layers.0.mlp.down_proj.lora_B.weight",
                            "model.layers.1.self_attn.q_proj.lora_A.weight"};
  for (int32_t i = 0; i < 7; ++i) CHECK_MSG(lora_name(model, i, shape) == expected[i], "index " << i);
  lora_name(model, 4, shape);  // down_proj A: [rank, intermediate]
  CHECK(shape[0] == 4 && shape[1] == 48);
  lora_name(model, 5, shape);  // down_proj B: [hidden, rank]
  CHECK(shape[0] == 32 && shape[1] == 4);
}

TEST(lora_init_is_kaiming_uniform_a_and_zero_b_from_the_seed) {
  TinyModel model(TinySpec{});
  model.attach_lora(4, 8.0, kAllTargets, 0.0, 17);
  std::vector<float> a = model.lora_read(0, SQLRL_LORA_VALUE);  // q_proj A [4, 32]
  double bound = 1.0 / std::sqrt(32.0), largest = 0;
  for (float v : a) largest = std::max(largest, std::fabs(static_cast<double>(v)));
  CHECK(largest <= bound && largest > 0.8 * bound);
  for (float v : model.lora_read(1, SQLRL_LORA_VALUE)) CHECK(v == 0.0f);
  std::vector<float> a_again = a;
  model.attach_lora(4, 8.0, kAllTargets, 0.0, 17);
  CHECK(model.lora_read(0, SQLRL_LORA_VALUE) == a_again);
  model.attach_lora(4, 8.0, kAllTargets, 0.0, 18);
  CHECK(model.lora_read(0, SQLRL_LORA_VALUE) != a_again);
}

TEST(zero_b_adapters_give_the_base_model_logits) {
  TinyModel model(TinySpec{});
  Packed batch = Packed::of(random_sequences(2, 3, 8, 97, 3));
  std::vector<float> base = model.logits(batch);
  model.attach_lora(8, 16.0, kAllTargets);
  CHECK(max_abs_difference(model.logits(batch, true), base) < 1e-6);
}

TEST(disabled_adapters_equal_no_adapters) {
  TinyModel model(TinySpec{});
  Packed batch = Packed::of(random_sequences(2, 3, 8, 97, 3));
  std::vector<float> base = model.logits(batch);
  model.attach_lora(4, 8.0, kAllTargets);
  model.randomize_lora_b(2);
  CHECK(max_abs_difference(model.logits(batch, true), base) > 1e-3);
  CHECK(max_abs_difference(model.logits(batch, false), base) < 1e-6);
  CHECK_OK(sqlrl_lora_set_enabled(model.handle(), 0));
  CHECK(max_abs_difference(model.logits(batch, true), base) < 1e-6);
  CHECK_OK(sqlrl_lora_set_enabled(model.handle(), 1));
  CHECK(max_abs_difference(model.logits(batch, true), base) > 1e-3);
}

TEST(lora_gradients_match_central_finite_differences) {
  TinySpec spec;
  spec.arch = SQLRL_ARCH_LLAMA;
  TinyModel model(spec);
  model.attach_lora(2, 4.0, kAllTargets);
  model.randomize_lora_b(5);
  TrainingBatch data;
  const double temperature = 0.9;
  std::vector<float> upstream = random_vector(data.completion_tokens(), 6);
  backward(model, data, upstream, temperature);
  auto loss = [&] {
    std::vector<float> logprobs = model.logprobs(data.batch, data.prompts, true, temperature, false);
    double total = 0;
    for (size_t i = 0; i < logprobs.size(); ++i) total += static_cast<double>(upstream[i]) * logprobs[i];
    return total;
  };
  const double h = 4e-3;
  int checked = 0;
  // A and B of q (layer 0), v (layer 1), gate and down (layer 1): attention and MLP, both layers.
  for (int32_t index : {0, 1, 2 * 7 + 4, 2 * 7 + 5, 2 * 7 + 8, 2 * 7 + 13}) {
    std::vector<float> grads = model.lora_read(index, SQLRL_LORA_GRAD);
    std::vector<float> values = model.lora_read(index, SQLRL_LORA_VALUE);
    for (size_t e : {size_t(0), values.size() / 2 + 1, values.size() - 1}) {
      float original = values[e];
      values[e] = original + static_cast<float>(h);
      model.lora_write(index, SQLRL_LORA_VALUE, values);
      double plus = loss();
      values[e] = original - static_cast<float>(h);
      model.lora_write(index, SQLRL_LORA_VALUE, values);
      double minus = loss();
      values[e] = original;
      model.lora_write(index, SQLRL_LORA_VALUE, values);
      double numeric = (plus - minus) / (2 * h);
      CHECK_MSG(std::fabs(numeric - grads[e]) <= 2e-2 * std::fabs(numeric) + 2e-3,
                "tensor " << index << " element " << e << ": analytic " << grads[e] << " vs numeric " << numeric);
      ++checked;
    }
  }
  CHECK(checked == 18);
}

TEST(checkpointing_on_and_off_give_the_same_gradients_with_dropout) {
  TrainingBatch data;
  std::vector<float> upstream = random_vector(data.completion_tokens(), 9);
  std::vector<std::vector<std::vector<float>>> results;
  std::vector<std::vector<float>> logprobs;
  for (int32_t checkpointing : {1, 0}) {
    TinyModel model(TinySpec{});
    CHECK_OK(sqlrl_model_set_checkpointing(model.handle(), checkpointing));
    model.attach_lora(4, 8.0, kAllTargets, 0.2);
    model.randomize_lora_b(4);
    logprobs.push_back(model.logprobs(data.batch, data.prompts, true, 1.0, true));
    CHECK_OK(sqlrl_backward(model.session(), upstream.data(), static_cast<int64_t>(upstream.size())));
    results.push_back(all_grads(model));
  }
  CHECK(max_abs_difference(logprobs[0], logprobs[1]) < 1e-6);
  double largest = 0;
  for (size_t t = 0; t < results[0].size(); ++t) {
    CHECK_MSG(max_abs_difference(results[0][t], results[1][t]) < 1e-5, "tensor " << t);
    for (float g : results[0][t]) largest = std::max(largest, std::fabs(static_cast<double>(g)));
  }
  CHECK(largest > 1e-3);
}

TEST(dropout_applies_only_while_building_a_graph) {
  TrainingBatch data;
  TinyModel with_dropout(TinySpec{}), without(TinySpec{});
  with_dropout.attach_lora(4, 8.0, kAllTargets, 0.5, 3);
  without.attach_lora(4, 8.0, kAllTargets, 0.0, 3);
  with_dropout.randomize_lora_b(1);
  without.randomize_lora_b(1);
  std::vector<float> inference = with_dropout.logprobs(data.batch, data.prompts, true, 1.0, false);
  CHECK(max_abs_difference(inference, without.logprobs(data.batch, data.prompts)) < 1e-6);
  std::vector<float> training = with_dropout.logprobs(data.batch, data.prompts, true, 1.0, true);
  CHECK(max_abs_difference(training, inference) > 1e-4);
}

TEST(backward_accumulates_gradients_until_zero_grad) {
  TinyModel model(TinySpec{});
  model.attach_lora(4, 8.0, kAllTargets);
  model.randomize_lora_b(3);
  TrainingBatch data;
  std::vector<float> upstream = random_vector(data.completion_tokens(), 10);
  backward(model, data, upstream);
  std::vector<float> once = model.lora_read(0, SQLRL_LORA_GRAD);
  backward(model, data, upstream);
  std::vector<float> twice = model.lora_read(0, SQLRL_LORA_GRAD);
  for (size_t i = 0; i < once.size(); ++i) CHECK_NEAR(twice[i], 2 * once[i], 1e-5 + 1e-5 * std::fabs(once[i]));
  CHECK_OK(sqlrl_zero_grad(model.handle()));
  for (float g : model.lora_read(0, SQLRL_LORA_GRAD)) CHECK(g == 0.0f);
}

TEST(adamw_matches_a_hand_computed_torch_adamw_with_clipping) {
  TinyModel model(TinySpec{});
  model.attach_lora(2, 4.0, SQLRL_LORA_Q);  // 4 tensors
  const int32_t count = model.lora_count();
  std::vector<std::vector<double>> params, m, v;
  for (int32_t i = 0; i < count; ++i) {
    std::vector<float> value = random_vector(model.lora_read(i, SQLRL_LORA_VALUE).size(), 20 + i, 0.3f);
    model.lora_write(i, SQLRL_LORA_VALUE, value);
    params.emplace_back(value.begin(), value.end());
    m.emplace_back(value.size(), 0.0);
    v.emplace_back(value.size(), 0.0);
  }
  const double lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, decay = 0.1;
  for (int64_t step = 1; step <= 3; ++step) {
    double max_norm = step == 2 ? 0.5 : 1e6;  // the second step clips
    std::vector<std::vector<double>> grads;
    double squares = 0;
    for (int32_t i = 0; i < count; ++i) {
      std::vector<float> grad = random_vector(params[i].size(), 100 * step + i, 0.2f);
      model.lora_write(i, SQLRL_LORA_GRAD, grad);
      grads.emplace_back(grad.begin(), grad.end());
      for (float g : grad) squares += static_cast<double>(g) * g;
    }
    double norm = 0;
    CHECK_OK(sqlrl_adamw_step(model.handle(), lr, beta1, beta2, eps, decay, max_norm, step, &norm));
    CHECK_NEAR(norm, std::sqrt(squares), 1e-5 * std::sqrt(squares));
    double clip = std::min(1.0, max_norm / (std::sqrt(squares) + 1e-6));
    CHECK(step != 2 || clip < 1.0);
    for (int32_t i = 0; i < count; ++i) {
      for (size_t e = 0; e < params[i].size(); ++e) {
        double g = grads[i][e] * clip;
        params[i][e] *= 1 - lr * decay;
        m[i][e] = beta1 * m[i][e] + (1 - beta1) * g;
        v[i][e] = beta2 * v[i][e] + (1 - beta2) * g * g;
        double m_hat = m[i][e] / (1 - std::pow(beta1, step));
        double denom = std::sqrt(v[i][e]) / std::sqrt(1 - std::pow(beta2, step)) + eps;
        params[i][e] -= lr * m_hat / denom;
      }
      std::vector<float> actual = model.lora_read(i, SQLRL_LORA_VALUE);
      std::vector<float> moment = model.lora_read(i, SQLRL_LORA_ADAM_V);
      for (size_t e = 0; e < params[i].size(); ++e) {
        CHECK_NEAR(actual[e], params[i][e], 1e-6);
        CHECK_NEAR(moment[e], v[i][e], 1e-9 + 1e-5 * v[i][e]);
      }
    }
  }
}

TEST(adamw_skips_the_update_on_a_non_finite_gradient_norm) {
  TinyModel model(TinySpec{});
  model.attach_lora(2, 4.0, SQLRL_LORA_Q);
  std::vector<float> before = model.lora_read(0, SQLRL_LORA_VALUE);
  std::vector<float> grad(before.size(), 0.1f);
  grad[3] = std::nanf("");
  model.lora_write(0, SQLRL_LORA_GRAD, grad);
  double norm = 0;
  CHECK_OK(sqlrl_adamw_step(model.handle(), 0.1, 0.9, 0.999, 1e-8, 0.0, 1.0, 1, &norm));
  CHECK(!std::isfinite(norm));
  CHECK(model.lora_read(0, SQLRL_LORA_VALUE) == before);
  for (float m : model.lora_read(0, SQLRL_LORA_ADAM_M)) CHECK(m == 0.0f);
}

TEST(a_few_training_steps_raise_the_log_prob_of_a_completion) {
  TinyModel model(TinySpec{});
  model.attach_lora(4, 8.0, kAllTargets);
  TrainingBatch data;
  auto mean_logprob = [&](const std::vector<float>& logprobs) {
    double total = 0;
    for (float lp : logprobs) total += lp;
    return total / static_cast<double>(logprobs.size());
  };
  double start = mean_logprob(model.logprobs(data.batch, data.prompts));
  for (int64_t step = 1; step <= 5; ++step) {
    CHECK_OK(sqlrl_zero_grad(model.handle()));
    std::vector<float> logprobs = model.logprobs(data.batch, data.prompts, true, 1.0, true);
    std::vector<float> upstream(logprobs.size(), -1.0f / static_cast<float>(logprobs.size()));  // loss = -mean
    CHECK_OK(sqlrl_backward(model.session(), upstream.data(), static_cast<int64_t>(upstream.size())));
    double norm = 0;
    CHECK_OK(sqlrl_adamw_step(model.handle(), 0.02, 0.9, 0.999, 1e-8, 0.0, 1.0, step, &norm));
  }
  double end = mean_logprob(model.logprobs(data.batch, data.prompts));
  CHECK_MSG(end > start + 0.1, "mean log-prob " << start << " -> " << end);
}

TEST(bf16_adapters_train_with_gradients_close_to_fp32_adapters) {
  TrainingBatch data;
  std::vector<float> upstream = random_vector(data.completion_tokens(), 12);
  std::vector<std::vector<std::vector<float>>> grads;
  for (int32_t dtype : {SQLRL_DTYPE_F32, SQLRL_DTYPE_BF16}) {
    TinyModel model(TinySpec{});
    CHECK_OK(sqlrl_lora_attach(model.handle(), 4, 8.0, kAllTargets, 0.0, dtype, 3));
    model.randomize_lora_b(4);  // values written as floats are rounded to bf16 in the bf16 model
    backward(model, data, upstream);
    grads.push_back(all_grads(model));
    double norm = 0;
    CHECK_OK(sqlrl_adamw_step(model.handle(), 0.01, 0.9, 0.999, 1e-8, 0.0, 1.0, 1, &norm));
    CHECK(std::isfinite(norm) && norm > 0);
  }
  for (size_t t = 0; t < grads[0].size(); ++t) {
    double scale = 0;
    for (float g : grads[0][t]) scale = std::max(scale, std::fabs(static_cast<double>(g)));
    CHECK_MSG(max_abs_difference(grads[0][t], grads[1][t]) <= 0.05 * scale + 1e-4, "tensor " << t);
  }
}
