// The error discipline of the ABI: no exception crosses it, every call returns a status and
// leaves its message in a thread-local string.
#pragma once
#include <new>
#include <stdexcept>
#include <string>

#include "sqlrl.h"

namespace sqlrl {

inline std::string& last_error() {
  thread_local std::string message;
  return message;
}

struct InvalidArgument : std::runtime_error { using std::runtime_error::runtime_error; };
struct BadState : std::runtime_error { using std::runtime_error::runtime_error; };
struct Unsupported : std::runtime_error { using std::runtime_error::runtime_error; };

inline void check_arg(bool ok, const std::string& message) {
  if (!ok) throw InvalidArgument(message);
}

inline void check_not_null(const void* pointer, const char* name) {
  if (pointer == nullptr) throw InvalidArgument(std::string(name) + " is null");
}

template <class F>
int32_t guarded(F&& body) {
  try {
    body();
    last_error().clear();
    return SQLRL_OK;
  } catch (const InvalidArgument& e) {
    last_error() = e.what();
    return SQLRL_ERR_INVALID_ARGUMENT;
  } catch (const BadState& e) {
    last_error() = e.what();
    return SQLRL_ERR_STATE;
  } catch (const Unsupported& e) {
    last_error() = e.what();
    return SQLRL_ERR_UNSUPPORTED;
  } catch (const std::bad_alloc&) {
    last_error() = "out of memory";
    return SQLRL_ERR_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    last_error() = e.what();
    return SQLRL_ERR_INTERNAL;
  } catch (...) {
    last_error() = "unknown native error";
    return SQLRL_ERR_INTERNAL;
  }
}

}  // namespace sqlrl
