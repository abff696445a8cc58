// Libraries that only some commands need are opened on first use (dlopen), not by the loader at
// startup: libcurl (telemetry export) and libarchive (SBOMs of built archives) bring 40 of the
// 53 shared objects hallmark maps, 15 ms of every `hallmark run` and `hallmark sbom`. systemd
// treats its optional libraries the same way.
#pragma once

#include "hallmark/util/result.hpp"

#include <initializer_list>
#include <string>

namespace hallmark {

// dlopen(soname) once per process; the error names the library and the Debian package.
Result<void*> open_library(const char* soname, const char* package);

// Sets each function pointer of `fns` from `lib` by name; false (and `missing` names the first
// symbol not found) if any is absent.
struct Symbol {
  void** slot;
  const char* name;
};
bool load_symbols(void* lib, std::initializer_list<Symbol> fns, std::string& missing);

// A Symbol for function pointer `fn` (any type) named `name`.
template <class F>
Symbol symbol(F*& fn, const char* name) {
  return {reinterpret_cast<void**>(&fn), name};
}

// The function table `Api` of `soname`, loaded once per process: `fill(lib, api, missing)` sets
// its pointers (load_symbols) and may initialise the library; false names the missing symbol.
// nullptr when the library cannot be used, with the reason in `why` (if given) on every call.
template <class Api>
const Api* library_api(const char* soname, const char* package,
                       bool (*fill)(void* lib, Api& api, std::string& missing), std::string* why) {
  static std::string error;
  static const Api* api = [&]() -> const Api* {
    auto lib = open_library(soname, package);
    if (!lib) {
      error = lib.message();
      return nullptr;
    }
    static Api table;
    std::string missing;
    if (!fill(*lib, table, missing)) {
      error = std::string(soname) + " has no " + missing + " (install a newer " + package + ")";
      return nullptr;
    }
    return &table;
  }();
  if (api == nullptr && why != nullptr) *why = error;
  return api;
}

} // namespace hallmark
