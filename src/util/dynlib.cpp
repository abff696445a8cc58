#include "hallmark/util/dynlib.hpp"

#include <dlfcn.h>

#include <map>
#include <mutex>

namespace hallmark {

Result<void*> open_library(const char* soname, const char* package) {
  static std::mutex mu;
  static std::map<std::string, void*> opened;
  std::lock_guard lock(mu);
  if (auto it = opened.find(soname); it != opened.end()) return it->second;
  void* h = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    const char* why = ::dlerror();
    return make_error(std::string("cannot load ") + soname + " (" + (why ? why : "unknown error") +
                      "); install the Debian package " + package);
  }
  opened[soname] = h;
  return h;
}

Status load_symbols(void* lib, std::initializer_list<Symbol> fns) {
  for (const Symbol& s : fns) {
    *s.slot = ::dlsym(lib, s.name);
    if (*s.slot == nullptr) return make_error(s.name);
  }
  return ok_status();
}

}  // namespace hallmark

namespace hallmark {

void* LazyLibrary::symbol(const char* name) {
  auto lib = open_library(soname_, package_);
  if (!lib) return fail(lib.message());
  void* fn = ::dlsym(*lib, name);
  if (fn == nullptr) return fail(std::string(soname_) + " has no " + name + " (install a newer " + package_ + ")");
  return fn;
}

bool LazyLibrary::available() {
  auto lib = open_library(soname_, package_);
  if (!lib) fail(lib.message());
  return lib.ok();
}

void* LazyLibrary::fail(std::string why) {
  std::lock_guard lock(mu_);
  error_ = std::move(why);
  return nullptr;
}

std::string LazyLibrary::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

}  // namespace hallmark
