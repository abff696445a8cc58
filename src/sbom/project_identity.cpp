#include "hallmark/sbom/project_identity.hpp"

#include "hallmark/sbom/purl.hpp"
#include "hallmark/util/atomic_file.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <toml++/toml.h>

#include <sstream>

namespace hallmark::sbom {
namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_regular(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(p, ec))) return std::nullopt;
  auto r = read_file(p, size_t(16) << 20);
  if (!r.ok()) return std::nullopt;
  return std::move(r.value());
}

bool from_json(const fs::path& file, const char* purl_type, Component& c) {
  auto text = read_regular(file);
  if (!text) return false;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) return false;
  std::string name = j["name"].get<std::string>();
  c.purl_type = purl_type;
  if (c.purl_type == "npm" && !name.empty() && name[0] == '@' && name.find('/') != std::string::npos) {
    c.group = name.substr(0, name.find('/'));
    name = name.substr(name.find('/') + 1);
  } else if (c.purl_type == "composer" && name.find('/') != std::string::npos) {
    c.group = name.substr(0, name.find('/'));
    name = name.substr(name.find('/') + 1);
  }
  c.name = name;
  if (j.contains("version") && j["version"].is_string()) c.version = j["version"].get<std::string>();
  if (j.contains("license") && j["license"].is_string()) c.licenses.push_back(j["license"].get<std::string>());
  return true;
}

bool from_toml(const fs::path& file, Component& c) {
  auto text = read_regular(file);
  if (!text) return false;
  try {
    toml::table t = toml::parse(*text);
    if (file.filename() == "Cargo.toml") {
      auto name = t["package"]["name"].value<std::string>();
      if (!name) return false;
      c.purl_type = "cargo";
      c.name = *name;
      c.version = t["package"]["version"].value_or(std::string());
      if (auto lic = t["package"]["license"].value<std::string>()) c.licenses.push_back(*lic);
      return true;
    }
    auto name = t["project"]["name"].value<std::string>();
    if (!name) name = t["tool"]["poetry"]["name"].value<std::string>();
    if (!name) return false;
    c.purl_type = "pypi";
    c.name = *name;
    c.version = t["project"]["version"].value_or(t["tool"]["poetry"]["version"].value_or(std::string()));
    // PEP 639 "license = 'MIT'", PEP 621 "license = {text = '...'}", or Poetry's field.
    if (auto lic = t["project"]["license"].value<std::string>()) c.licenses.push_back(*lic);
    else if (auto text = t["project"]["license"]["text"].value<std::string>()) c.licenses.push_back(*text);
    else if (auto poetry = t["tool"]["poetry"]["license"].value<std::string>()) c.licenses.push_back(*poetry);
    return true;
  } catch (const toml::parse_error&) {
    return false;
  }
}

// pom.xml: groupId (or the parent's), artifactId, version and the declared <licenses>.
bool from_pom(const fs::path& file, Component& c) {
  auto text = read_regular(file);
  if (!text) return false;
  pugi::xml_document doc;
  if (!doc.load_buffer(text->data(), text->size())) return false;
  pugi::xml_node project = doc.child("project");
  std::string artifact = project.child_value("artifactId");
  std::string group = project.child_value("groupId");
  if (group.empty()) group = project.child("parent").child_value("groupId");
  if (artifact.empty() || group.empty()) return false;
  c.purl_type = "maven";
  c.group = group;
  c.name = artifact;
  c.version = project.child_value("version");
  if (c.version.empty()) c.version = project.child("parent").child_value("version");
  if (c.version.find("${") != std::string::npos) c.version.clear();  // a property: not resolved here
  for (pugi::xml_node l : project.child("licenses").children("license"))
    if (std::string name = l.child_value("name"); !name.empty()) c.licenses.push_back(name);
  return true;
}

bool from_go_mod(const fs::path& file, Component& c) {
  auto text = read_regular(file);
  if (!text) return false;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("module ", 0) != 0) continue;
    std::string mod = line.substr(7);
    while (!mod.empty() && (mod.back() == ' ' || mod.back() == '\r')) mod.pop_back();
    if (mod.size() >= 2 && mod.front() == '"') mod = mod.substr(1, mod.size() - 2);
    c.purl_type = "golang";
    c.name = mod;
    return true;
  }
  return false;
}

}  // namespace

Component detect_project(const fs::path& dir) {
  Component c;
  c.type = "application";
  bool found = from_json(dir / "package.json", "npm", c) || from_toml(dir / "pyproject.toml", c) ||
               from_toml(dir / "Cargo.toml", c) || from_json(dir / "composer.json", "composer", c) ||
               from_go_mod(dir / "go.mod", c) || from_pom(dir / "pom.xml", c);
  if (!found) {
    std::error_code ec;
    fs::path abs = fs::weakly_canonical(fs::absolute(dir, ec), ec);
    c.name = abs.filename().string();
    if (c.name.empty()) c.name = abs.parent_path().filename().string();
    if (c.name.empty()) c.name = "project";
    c.bom_ref = "root:" + c.name;
  } else {
    c.bom_ref = make_purl(c);
  }
  return c;
}

}  // namespace hallmark::sbom
