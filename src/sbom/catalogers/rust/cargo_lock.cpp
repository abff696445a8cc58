// Cargo.lock, all four formats. v1 keeps checksums in a [metadata] table keyed
// "checksum name version (source)"; v2+ put `checksum` on each [[package]]. Dependency entries
// are "name", "name version" or "name version (source)": the short forms are used only when
// unambiguous, so resolution looks the name up among the lock's packages.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <toml++/toml.h>

#include <map>

namespace hallmark::sbom::internal {
namespace {

struct CratePkg {
  std::string name, version, source, checksum;
  std::vector<std::string> deps;
  std::string ref;
};

// v1 keeps checksums apart: "name version (source)" -> hex.
std::map<std::string, std::string> v1_checksums_of(const toml::table& doc) {
  std::map<std::string, std::string> v1_checksums;
  if (auto* meta = doc["metadata"].as_table()) {
    for (const auto& [k, v] : *meta) {
      std::string key(k.str());
      if (key.rfind("checksum ", 0) == 0 && v.is_string()) v1_checksums[key.substr(9)] = v.as_string()->get();
    }
  }
  return v1_checksums;
}

std::vector<CratePkg> read_packages(const toml::table& doc, ResultBuilder& rb) {
  std::map<std::string, std::string> v1_checksums = v1_checksums_of(doc);
  std::vector<CratePkg> pkgs;
  if (auto* arr = doc["package"].as_array()) {
    size_t i = 0;
    for (const auto& node : *arr) {
      ++i;
      const auto* t = node.as_table();
      if (!t) continue;
      CratePkg p;
      p.name = (*t)["name"].value_or(std::string{});
      p.version = (*t)["version"].value_or(std::string{});
      p.source = (*t)["source"].value_or(std::string{});
      p.checksum = (*t)["checksum"].value_or(std::string{});
      if (p.name.empty() || p.version.empty()) {
        rb.warn("[[package]] #" + std::to_string(i) + ": missing name or version");
        continue;
      }
      if (p.checksum.empty() && !v1_checksums.empty()) {
        std::string key = p.name + " " + p.version + " (" + p.source + ")";
        if (auto it = v1_checksums.find(key); it != v1_checksums.end()) p.checksum = it->second;
      }
      if (auto* deps = (*t)["dependencies"].as_array())
        for (const auto& d : *deps)
          if (auto s = d.value<std::string>()) p.deps.push_back(*s);
      pkgs.push_back(std::move(p));
    }
  }
  return pkgs;
}

// Workspace members have no source. The one named in the sibling Cargo.toml's [package] is the
// root; the others are projects of the workspace with their own edges.
std::string root_name_of(const CatalogInput& in, CatalogResult& out) {
  std::string root_name;
  if (in.read_sibling) {
    if (auto manifest = in.read_sibling("Cargo.toml")) {
      try {
        auto m = toml::parse(std::string_view(*manifest), std::string_view("Cargo.toml"));
        root_name = m["package"]["name"].value_or(std::string{});
      } catch (const toml::parse_error&) {
        out.warnings.push_back({in.path, "Cargo.toml beside it does not parse; root unknown"});
      }
    }
  }
  return root_name;
}

Component crate_component(const CratePkg& p) {
  Component c;
  c.purl_type = "cargo";
  c.name = p.name;
  c.version = p.version;
  if (p.source.empty()) {
    c.type = "application";
    c.properties["hallmark:cargo.workspace-member"] = "true";
  } else if (p.source.rfind("git+", 0) == 0) {
    // git+https://host/repo?rev#commit: the vcs_url qualifier says where it really comes from.
    c.qualifiers["vcs_url"] = p.source;
    c.properties["hallmark:source"] = "git";
  } else if (p.source != "registry+https://github.com/rust-lang/crates.io-index" &&
             p.source != "sparse+https://index.crates.io/") {
    c.qualifiers["repository_url"] = p.source.substr(p.source.find('+') + 1);
  }
  if (p.checksum.size() == 64) c.hashes.push_back({"SHA-256", to_lower(p.checksum)});
  return c;
}

// Adds every package (the root as the project) and sets its ref. Returns name -> index in pkgs.
std::multimap<std::string, size_t> add_components(std::vector<CratePkg>& pkgs, const std::string& root_name,
                                                  ResultBuilder& rb) {
  std::multimap<std::string, size_t> by_name;
  for (size_t i = 0; i < pkgs.size(); ++i) {
    auto& p = pkgs[i];
    Component c = crate_component(p);
    bool is_root = p.source.empty() && !root_name.empty() && p.name == root_name;
    if (p.source.empty() && !is_root) {
      // workspace member: a component too, since other crates depend on it
      p.ref = rb.add(c);
    } else if (is_root) {
      c.type = "application";
      p.ref = rb.add_project(c);
    } else {
      p.ref = rb.add(c);
    }
    by_name.emplace(p.name, i);
  }
  return by_name;
}

// A dependency entry ("name", "name version" or "name version (source)") -> its package; null
// when none or more than one matches.
const CratePkg* resolve(const std::string& entry, const std::vector<CratePkg>& pkgs,
                        const std::multimap<std::string, size_t>& by_name) {
  auto parts = split(entry, ' ');
  std::string name(parts[0]);
  std::string version = parts.size() > 1 ? std::string(parts[1]) : std::string{};
  std::string source;
  if (parts.size() > 2) {
    std::string s = entry.substr(entry.find('(') + 1);
    if (!s.empty() && s.back() == ')') s.pop_back();
    source = s;
  }
  const CratePkg* found = nullptr;
  auto [lo, hi] = by_name.equal_range(name);
  for (auto it = lo; it != hi; ++it) {
    const auto& p = pkgs[it->second];
    if (!version.empty() && p.version != version) continue;
    if (!source.empty() && p.source != source) continue;
    if (found) return nullptr;  // ambiguous: Cargo never writes that, so refuse to guess
    found = &p;
  }
  return found;
}

void catalog_cargo_lock(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  toml::table doc;
  try {
    doc = toml::parse(in.content, std::string_view(in.path));
  } catch (const toml::parse_error& e) {
    rb.warn("line " + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
    return;
  }

  std::vector<CratePkg> pkgs = read_packages(doc, rb);
  std::string root_name = root_name_of(in, out);
  std::multimap<std::string, size_t> by_name = add_components(pkgs, root_name, rb);

  // Without a known root, the lock alone says nothing about which crates are direct: no edges
  // from the root are invented (members keep their own edges).
  for (const auto& p : pkgs) {
    bool is_root = p.source.empty() && !root_name.empty() && p.name == root_name;
    for (const auto& d : p.deps) {
      const CratePkg* t = resolve(d, pkgs, by_name);
      if (!t) {
        rb.warn("package " + p.name + " " + p.version + ": dependency \"" + d + "\" matches no single [[package]]");
        continue;
      }
      if (is_root) rb.direct(t->ref);
      else rb.edge(p.ref, t->ref);
    }
  }
}

bool matches_cargo_lock(std::string_view filename, std::string_view) { return filename == "Cargo.lock"; }

}  // namespace

const Cataloger kCargoLockCataloger{"cargo-lock", matches_cargo_lock, catalog_cargo_lock};

}  // namespace hallmark::sbom::internal
