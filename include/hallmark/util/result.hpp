// Result<T>: the value of an operation that can fail in an expected way (a missing file, a bad
// lockfile, a bad signature). The error is a one-line message with its context (file, line,
// field) that the CLI prints as `hallmark: <message>`. Exceptions are kept for programming errors.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace hallmark {

struct Error {
  std::string message;
};

inline Error make_error(std::string message) { return Error{std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }
  const std::string& message() const { return error().message; }

private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an error.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Status(Ok{}); }

}  // namespace hallmark

// Propagates an error from an expression yielding a Result; the value is discarded.
#define HALLMARK_TRY(expr)                                                                                             \
  do {                                                                                                                 \
    auto _hm_r = (expr);                                                                                               \
    if (!_hm_r.ok()) return _hm_r.error();                                                                             \
  } while (0)
