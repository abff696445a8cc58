// Libraries that only some commands need are opened on first use (dlopen), not by the loader at
// startup: libcurl (telemetry export) and libarchive (SBOMs of built archives) bring 40 of the
// 53 shared objects hallmark maps, 15 ms of every `hallmark run` and `hallmark sbom`. systemd
// treats its optional libraries the same way.
#pragma once

#include "hallmark/util/result.hpp"

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

} // namespace hallmark
