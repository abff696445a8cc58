// Python catalogers on small files written here: requirements includes/hashes/markers, pdm,
// Pipfile.lock git entries, uv workspace members, installed METADATA.
#include "sbom_test_util.hpp"

using namespace sbomtest;
using hallmark::sbom::Scope;

namespace {
const hallmark::sbom::Component* find(const hallmark::sbom::CatalogResult& r, const std::string& ref) {
  for (const auto& c : r.components)
    if (c.bom_ref == ref) return &c;
  return nullptr;
}
}  // namespace

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::requirements_includes_hashes_markers") {
  TempDir t;
  t.write("requirements.txt", "# top\n-r requirements-base.txt\n--index-url https://example.invalid/simple\n"
                              "Requests[socks]==2.31.0 ; python_version >= \"3.8\" \\\n    --hash=sha256:aaaa\n"
                              "unpinned>=1.0\n-e .\nzope.interface===6.0  # comment\n-r requirements.txt\n");
  t.write("requirements-base.txt", "six==1.16.0 --hash=sha256:1111 --hash=sha256:2222\n-r sub/more.txt\n");
  t.write("sub/more.txt", "attrs==23.1.0\n-r missing.txt\n");
  auto r = catalog(t.path, "requirements.txt");
  auto nv = name_versions(r.components);
  CHECK(nv ==
        std::set<std::string>{"requests@2.31.0", "unpinned@", "zope.interface@6.0", "six@1.16.0", "attrs@23.1.0"});
  auto* req = find(r, "pkg:pypi/requests@2.31.0");
  REQUIRE(req);
  REQUIRE(req->hashes.size() == 1);
  CHECK(req->hashes[0].hex == "aaaa");
  CHECK(req->properties.at("hallmark:python-marker") == "python_version >= \"3.8\"");
  CHECK(find(r, "pkg:pypi/six@1.16.0")->hashes.empty());  // several wheels: no single hash
  CHECK(find(r, "pkg:pypi/unpinned"));                    // no version invented
  REQUIRE(r.warnings.size() == 1);                        // missing.txt
  CHECK(r.warnings[0].subject == "sub/more.txt");
  CHECK(r.warnings[0].message.find("line 2") != std::string::npos);
}

// Lines pip would refuse get a warning naming the line, never a component guessed from them.
TEST_CASE("sbom::requirements_malformed_lines_warn") {
  TempDir t;
  t.write("requirements.txt",
          "good==1.0\nfoo bar baz\n-e\ndjango>=\nnumpy===\nx[y\nflask[async]>=2.0,<3 ; python_version>\"3.7\"\n"
          "attrs (>=21.0)\n==1.0\n");
  auto r = catalog(t.path, "requirements.txt");
  CHECK(name_versions(r.components) == std::set<std::string>{"good@1.0", "flask@", "attrs@"});
  std::set<std::string> lines;
  for (const auto& w : r.warnings) lines.insert(w.message.substr(0, w.message.find(':')));
  CHECK(lines == std::set<std::string>{"line 2", "line 3", "line 4", "line 5", "line 6", "line 9"});
  for (const auto& w : r.warnings) CHECK(w.subject == "requirements.txt");
}

// pip's VCS and URL forms (docs/sbom.md): components with vcs_url / download_url, and a warning
// for an entry without a name.
TEST_CASE("sbom::requirements_vcs_and_url_entries") {
  TempDir t;
  t.write("requirements.txt", "git+https://github.com/o/Zope_Thing.git@v1.2#egg=zope.thing\n"
                              "mylib @ git+https://github.com/o/mylib.git@0123abcd\n"
                              "-e git+ssh://git@github.com/o/editable.git#egg=editable&subdirectory=pkg\n"
                              "wheel-pkg @ https://files.example/wheel_pkg-1.0-py3-none-any.whl\n"
                              "git+https://github.com/o/nameless.git\n");
  auto r = catalog(t.path, "requirements.txt");
  CHECK(find(r, "pkg:pypi/zope.thing@v1.2?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fo%2FZope_Thing.git%40v1.2"));
  CHECK(find(r, "pkg:pypi/mylib@0123abcd?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fo%2Fmylib.git%400123abcd"));
  CHECK(find(r, "pkg:pypi/editable?vcs_url=git%2Bssh:%2F%2Fgit%40github.com%2Fo%2Feditable.git"));
  CHECK(find(r, "pkg:pypi/wheel-pkg?download_url=https:%2F%2Ffiles.example%2Fwheel_pkg-1.0-py3-none-any.whl"));
  CHECK(r.components.size() == 4);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].message.find("line 5") != std::string::npos);
  CHECK(r.warnings[0].message.find("nameless") != std::string::npos);
}

TEST_CASE("sbom::pdm_lock") {
  TempDir t;
  t.write("pdm.lock", R"([metadata]
groups = ["default", "test"]

[[package]]
name = "Flask"
version = "3.0.0"
groups = ["default"]
dependencies = ["werkzeug>=3.0.0", "click>=8.1.3; python_version >= '3.8'"]

[[package]]
name = "werkzeug"
version = "3.0.1"
groups = ["default"]

[[package]]
name = "click"
version = "8.1.7"
groups = ["default"]

[[package]]
name = "pytest"
version = "7.4.0"
groups = ["test"]
)");
  t.write("pyproject.toml", "[project]\nname = \"app\"\ndependencies = [\"flask>=3\"]\n");
  auto r = catalog(t.path, "pdm.lock");
  CHECK(r.warnings.empty());
  CHECK(r.components.size() == 4);
  CHECK(has_edge(r, "pkg:pypi/flask@3.0.0", "pkg:pypi/werkzeug@3.0.1"));
  CHECK(has_edge(r, "pkg:pypi/flask@3.0.0", "pkg:pypi/click@8.1.7"));
  CHECK(r.direct == std::vector<std::string>{"pkg:pypi/flask@3.0.0"});
  CHECK(find(r, "pkg:pypi/pytest@7.4.0")->scope == Scope::excluded);
}

TEST_CASE("sbom::pipfile_lock_git_and_dev") {
  TempDir t;
  t.write("Pipfile.lock", R"({"_meta": {}, "default": {
      "requests": {"version": "==2.31.0"},
      "mylib": {"git": "https://github.com/o/mylib.git", "ref": "0123abcd"}},
    "develop": {"pytest": {"version": "==7.4.0"}, "requests": {"version": "==2.31.0"}}})");
  t.write("Pipfile", "[packages]\nrequests = \"*\"\n[dev-packages]\npytest = \"*\"\n");
  auto r = catalog(t.path, "Pipfile.lock");
  CHECK(r.warnings.empty());
  CHECK(r.components.size() == 3);
  CHECK(find(r, "pkg:pypi/requests@2.31.0")->scope == Scope::required);  // in both: required
  CHECK(find(r, "pkg:pypi/pytest@7.4.0")->scope == Scope::excluded);
  CHECK(find(r, "pkg:pypi/mylib@0123abcd?vcs_url=https:%2F%2Fgithub.com%2Fo%2Fmylib.git"));
  CHECK(r.direct.size() == 2);
}

TEST_CASE("sbom::uv_workspace_and_dev_groups") {
  TempDir t;
  t.write("uv.lock", R"(version = 1

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "member" }, { name = "idna" }]

[package.dev-dependencies]
dev = [{ name = "pytest" }]

[[package]]
name = "member"
version = "0.2.0"
source = { editable = "member" }
dependencies = [{ name = "idna", version = "3.6" }]

[[package]]
name = "idna"
version = "3.6"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://x/idna-3.6.tar.gz", hash = "sha256:abcd" }

[[package]]
name = "pytest"
version = "8.0.0"
source = { registry = "https://pypi.org/simple" }
)");
  auto r = catalog(t.path, "uv.lock");
  CHECK(r.warnings.empty());
  CHECK(r.components.size() == 2);
  CHECK(r.projects.size() == 2);
  CHECK(has(r.direct, "pkg:pypi/member@0.2.0"));
  CHECK(has(r.direct, "pkg:pypi/pytest@8.0.0"));
  CHECK(has_edge(r, "pkg:pypi/member@0.2.0", "pkg:pypi/idna@3.6"));
  CHECK(find(r, "pkg:pypi/pytest@8.0.0")->scope == Scope::excluded);
  CHECK(find(r, "pkg:pypi/idna@3.6")->scope == Scope::required);
  REQUIRE(find(r, "pkg:pypi/idna@3.6")->hashes.size() == 1);
}

TEST_CASE("sbom::installed_metadata") {
  TempDir t;
  t.write("site/attrs-23.1.0.dist-info/METADATA",
          "Metadata-Version: 2.1\nName: attrs\nVersion: 23.1.0\nLicense-Expression: MIT\n"
          "Requires-Dist: importlib-metadata\n\nLong description\nName: not-this\n");
  t.write("site/old.egg-info/PKG-INFO", "Metadata-Version: 1.0\nName: Old_Pkg\nVersion: 0.1\nLicense: UNKNOWN\n");
  auto a = catalog(t.path, "site/attrs-23.1.0.dist-info/METADATA");
  REQUIRE(a.components.size() == 1);
  CHECK(a.components[0].bom_ref == "pkg:pypi/attrs@23.1.0");
  CHECK(a.components[0].licenses == std::vector<std::string>{"MIT"});
  auto b = catalog(t.path, "site/old.egg-info/PKG-INFO");
  REQUIRE(b.components.size() == 1);
  CHECK(b.components[0].bom_ref == "pkg:pypi/old-pkg@0.1");
  CHECK(b.components[0].licenses.empty());
}

TEST_SUITE_END();
