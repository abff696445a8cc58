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

bool load_symbols(void* lib, std::initializer_list<Symbol> fns, std::string& missing) {
  for (const Symbol& s : fns) {
    *s.slot = ::dlsym(lib, s.name);
    if (*s.slot == nullptr) {
      missing = s.name;
      return false;
    }
  }
  return true;
}

} // namespace hallmark
