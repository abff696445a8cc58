// Writers: the JSON shape both formats need, hostile text kept valid UTF-8 JSON, SPDX ids.
#include "sbom_test_util.hpp"

#include "hallmark/sbom/writers.hpp"

#include <nlohmann/json.hpp>

using namespace hallmark::sbom;

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::writers_escape_hostile_text") {
  Bom bom;
  bom.root.type = "application";
  bom.root.name = "root";
  bom.root.bom_ref = "root:root";
  Component c;
  c.purl_type = "npm";
  c.name = std::string("ev\"il\\\n\x01\xff\xc3(name");
  c.version = "1.0.0";
  c.licenses = {"MIT OR Apache-2.0"};
  c.hashes = {{"SHA-256", "00ff"}};
  c.properties["k"] = "v\t";
  c.bom_ref = make_purl(c);
  bom.components = {c};
  bom.dependencies[bom.root.bom_ref] = {c.bom_ref};
  bom.dependencies[c.bom_ref] = {};
  WriterOptions w;
  w.timestamp = "2020-01-01T00:00:00Z";
  for (const char* v : {"1.6", "1.5"}) {
    w.spec_version = v;
    std::string text = write_cyclonedx_json(bom, w);
    auto j = nlohmann::json::parse(text, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["specVersion"] == v);
    CHECK(j["components"][0]["name"] == "ev\"il\\\n\x01\xEF\xBF\xBD\xEF\xBF\xBD(name");
    CHECK(j["components"][0]["licenses"][0]["expression"] == "MIT OR Apache-2.0");
    CHECK(j["components"][0]["scope"] == "required");
    CHECK(j["dependencies"].size() == 2);
    CHECK(std::string(j["serialNumber"]).rfind("urn:uuid:", 0) == 0);
  }
  std::string spdx = write_spdx_json(bom, w);
  auto s = nlohmann::json::parse(spdx, nullptr, false);
  REQUIRE_FALSE(s.is_discarded());
  for (const auto& p : s["packages"]) {
    std::string id = p["SPDXID"];
    for (char ch : id.substr(8)) CHECK((std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-'));
  }
  CHECK(s["packages"][1]["licenseDeclared"] == "MIT OR Apache-2.0");
  CHECK(s["relationships"].size() == 2);
}

TEST_CASE("sbom::uuid_forms") {
  std::string a = make_uuid(true, "x"), b = make_uuid(true, "x"), c = make_uuid(false, "x");
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a.size() == 36);
  CHECK(a[14] == '5');
  // RFC 4122 version 5 in the URL namespace, as Python's uuid.uuid5(uuid.NAMESPACE_URL, "x") gives.
  CHECK(a == "4cd605e7-afa2-5360-b5b9-c5e9fb5c76f4");
  CHECK(c[14] == '4');
}

TEST_SUITE_END();
