// Libraries that only some commands need are opened on first use (dlopen), not by the loader at
// startup: libcurl (telemetry export) and libarchive (SBOMs of built archives) bring 40 of the
// 53 shared objects hallmark maps, 15 ms of every `hallmark run` and `hallmark sbom`. systemd
// treats its optional libraries the same way.
#pragma once

#include "hallmark/util/result.hpp"

#include <initializer_list>
#include <mutex>
#include <type_traits>
#include <string>

namespace hallmark {

// dlopen(soname) once per process; the error names the library and the Debian package.
Result<void*> open_library(const char* soname, const char* package);

// Sets each function pointer of `fns` from `lib` by name; an error naming the first symbol not
// found if any is absent.
struct Symbol {
  void** slot;
  const char* name;
};
Status load_symbols(void* lib, std::initializer_list<Symbol> fns);

// A Symbol for function pointer `fn` (any type) named `name`.
template <class F>
Symbol symbol(F*& fn, const char* name) {
  return {reinterpret_cast<void**>(&fn), name};
}

// The function table `Api` of `soname`, loaded once per process: `fill(lib, api)` sets its
// pointers (load_symbols) and may initialise the library; its error names the missing symbol.
// The same error on every call when the library cannot be used.
template <class Api>
Result<const Api*> library_api(const char* soname, const char* package, Status (*fill)(void* lib, Api& api)) {
  static std::string error;
  static const Api* api = [&]() -> const Api* {
    auto lib = open_library(soname, package);
    if (!lib) {
      error = lib.message();
      return nullptr;
    }
    static Api table;
    if (Status filled = fill(*lib, table); !filled.ok()) {
      error = std::string(soname) + " has no " + filled.message() + " (install a newer " + package + ")";
      return nullptr;
    }
    return &table;
  }();
  if (api == nullptr) return make_error(error);
  return api;
}

}  // namespace hallmark

namespace hallmark {

// A library whose functions hallmark calls by their own names, but which the loader must not map
// at startup (libgit2 and libpq bring 25 shared objects and ~10 ms of relocations to every
// process, `hallmark --version` included). Each of its functions hallmark uses gets a forwarder
// of the same name and signature (HALLMARK_FORWARD) that opens the library on the first call.
// If it cannot be opened, every forwarder returns the library's own "failed" value (nullptr, -1,
// or 0 for counts) and `error()` says why, naming the Debian package.
class LazyLibrary {
public:
  LazyLibrary(const char* soname, const char* package) : soname_(soname), package_(package) {}
  // The function `name`, or nullptr (then error() is set).
  void* symbol(const char* name);
  bool available();
  std::string error() const;

private:
  void* fail(std::string why);
  const char* soname_;
  const char* package_;
  mutable std::mutex mu_;
  std::string error_;
};

// What a forwarder returns when its library is unavailable.
template <class R>
R unavailable_result() {
  if constexpr (std::is_void_v<R>) {
    return;
  } else if constexpr (std::is_pointer_v<R>) {
    return nullptr;
  } else if constexpr (std::is_enum_v<R> || std::is_signed_v<R>) {
    return static_cast<R>(-1);
  } else {
    return R{};
  }
}

}  // namespace hallmark

// The body of a forwarder: `int git_x(int a, char* b) { return HALLMARK_FORWARD(lib, git_x, (a, b)); }`.
// The declaration in the library's header checks the forwarder's signature at compile time.
#define HALLMARK_FORWARD(lib, name, args)                                                                              \
  [&]() -> decltype(::name args) {                                                                                     \
    static const auto fn = reinterpret_cast<decltype(&::name)>((lib).symbol(#name));                                   \
    if (fn == nullptr) return ::hallmark::unavailable_result<decltype(::name args)>();                                 \
    return fn args;                                                                                                    \
  }()
