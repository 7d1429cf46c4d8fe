// A minimal test harness: TEST(name) registers a function; CHECK* throw on failure with file:line.
#pragma once
#include <cmath>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sqlrl.h"

namespace sqlrl_test {

// sqlrl_model_create with the fields listed in the struct's order: shorthand for the many tests that make models.
inline int32_t create_model(int32_t arch, int32_t vocab, int32_t hidden, int32_t intermediate, int32_t layers,
                            int32_t heads, int32_t kv_heads, int32_t head_dim, double rope_theta, double eps, int32_t tie,
                            int32_t weight_mode, int32_t device, sqlrl_model** out) {
  sqlrl_model_params params;
  sqlrl_model_params_init(&params);
  params.arch = arch;
  params.vocab_size = vocab;
  params.hidden_size = hidden;
  params.intermediate_size = intermediate;
  params.num_layers = layers;
  params.num_heads = heads;
  params.num_kv_heads = kv_heads;
  params.head_dim = head_dim;
  params.rope_theta = rope_theta;
  params.rms_norm_eps = eps;
  params.tie_word_embeddings = tie;
  params.weight_mode = weight_mode;
  params.device = device;
  return sqlrl_model_create(&params, out);
}

struct TestCase {
  const char* name;
  void (*body)();
};

inline std::vector<TestCase>& registry() {
  static std::vector<TestCase> tests;
  return tests;
}

struct Registration {
  Registration(const char* name, void (*body)()) { registry().push_back({name, body}); }
};

struct CheckFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::string where(const char* file, int line) {
  std::string path(file);
  return path.substr(path.find_last_of('/') + 1) + ":" + std::to_string(line) + ": ";
}

}  // namespace sqlrl_test

#define TEST(name)                                                                  \
  static void name();                                                               \
  static const sqlrl_test::Registration name##_registration(#name, &name);          \
  static void name()

#define CHECK_MSG(condition, message)                                                                      \
  do {                                                                                                     \
    if (!(condition)) {                                                                                    \
      std::ostringstream check_stream;                                                                     \
      check_stream << sqlrl_test::where(__FILE__, __LINE__) << "CHECK(" #condition ") failed: " << message; \
      throw sqlrl_test::CheckFailure(check_stream.str());                                                  \
    }                                                                                                      \
  } while (0)

#define CHECK(condition) CHECK_MSG(condition, "")

// A C ABI call that must succeed; on failure reports the library's message.
#define CHECK_OK(call)                                                                                  \
  do {                                                                                                  \
    int32_t check_status = (call);                                                                      \
    CHECK_MSG(check_status == SQLRL_OK, #call " returned " << check_status << ": " << sqlrl_last_error()); \
  } while (0)

// A call that must fail with `status` and a message containing `fragment`.
#define CHECK_FAILS(call, status, fragment)                                                            \
  do {                                                                                                 \
    int32_t check_status = (call);                                                                     \
    std::string check_message = sqlrl_last_error();                                                    \
    CHECK_MSG(check_status == (status), #call " returned " << check_status << " (" << check_message << ")"); \
    CHECK_MSG(check_message.find(fragment) != std::string::npos,                                       \
              "message '" << check_message << "' lacks '" << fragment << "'");                        \
  } while (0)

#define CHECK_NEAR(actual, expected, tolerance)                                                         \
  do {                                                                                                  \
    double check_actual = (actual), check_expected = (expected);                                        \
    CHECK_MSG(std::fabs(check_actual - check_expected) <= (tolerance),                                  \
              #actual " = " << check_actual << ", expected " << check_expected << " +- " << (tolerance)); \
  } while (0)
