// SBOM model: components found by catalogers and the dependency edges between them. Writers
// (CycloneDX, SPDX) turn a Bom into JSON; nothing here knows a file format.
#pragma once

#include "hallmark/model/file_entry.hpp"

#include <map>
#include <string>
#include <vector>

namespace hallmark::sbom {

struct Hash {
  std::string alg;  // CycloneDX names: "SHA-1", "SHA-256", "SHA-384", "SHA-512", "MD5"
  std::string hex;  // lowercase
};

enum class Scope { required, optional, excluded };  // excluded: dev-only dependencies

struct Component {
  std::string type = "library";  // CycloneDX component type: library, application, framework...
  std::string purl_type;         // npm, pypi, golang, cargo, gem, composer, maven, nuget, conan,
                                 // hex, pub, swift, cocoapods, deb, apk, generic, github
  std::string group;             // purl namespace (npm scope without '@' handled by purl code)
  std::string name;
  std::string version;                            // empty when the source declares none: never invented
  std::map<std::string, std::string> qualifiers;  // purl qualifiers (e.g. vcs_url, arch)
  std::string subpath;
  std::vector<Hash> hashes;
  std::vector<std::string> licenses;  // SPDX ids or expressions as declared
  Scope scope = Scope::required;
  std::vector<std::string> occurrences;           // manifest paths (evidence.occurrences)
  std::string bom_ref;                            // unique in the Bom; the purl unless that would collide
  std::map<std::string, std::string> properties;  // extra facts, e.g. "hallmark:source"="git"
  std::string download_location;                  // the URL the lockfile says it was fetched from (npm "resolved")
  std::string supplier;                           // who the ecosystem says distributes it ("Name <email>")
};

struct Bom {
  Component root;                     // metadata.component: the project or the artifact
  std::vector<Component> components;  // deduplicated by purl, sorted by bom_ref
  // bom_ref -> bom_refs it depends on. The root's entry lists the direct dependencies.
  std::map<std::string, std::vector<std::string>> dependencies;
};

}  // namespace hallmark::sbom
