#include "hallmark/sigstore/trusted_root.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/data_dir.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace hallmark;
using namespace hallmark::sigstore;

TEST_SUITE_BEGIN("sigstore");

TEST_CASE("sigstore::shipped_trusted_root") {
  auto path = find_data_file("data/sigstore/trusted_root.json");
  REQUIRE(path.ok());
  auto root = load_trusted_root(*path);
  REQUIRE_MESSAGE(root.ok(), root.message());
  CHECK(root->tlogs.size() >= 2);
  CHECK(root->ctlogs.size() >= 2);
  CHECK(root->certificate_authorities.size() >= 2);
  CHECK(root->timestamp_authorities.size() >= 1);
  CHECK(root->tlogs[0].origin_host() == "rekor.sigstore.dev");
}

TEST_CASE("sigstore::trusted_root_rejects_missing_start") {
  auto path = find_data_file("data/sigstore/trusted_root.json");
  REQUIRE(path.ok());
  auto j = nlohmann::json::parse(*read_file(*path));
  j["tlogs"][0]["publicKey"]["validFor"].erase("start");
  auto root = trusted_root_from_json(j.dump(), "t.json");
  REQUIRE_FALSE(root.ok());
  CHECK(root.message() == "t.json: tlogs[0].publicKey.validFor.start: missing");
  j = nlohmann::json::parse(*read_file(*path));
  j["mediaType"] = "application/vnd.dev.sigstore.trustedroot+json;version=0.2";
  CHECK_FALSE(trusted_root_from_json(j.dump(), "t.json").ok());
  j = nlohmann::json::parse(*read_file(*path));
  j["ctlogs"][0]["publicKey"]["rawBytes"] = "AAAA";
  CHECK_FALSE(trusted_root_from_json(j.dump(), "t.json").ok());
  CHECK_FALSE(trusted_root_from_json("[]", "t.json").ok());
}

TEST_CASE("sigstore::time_range_end_inclusive") {
  TimeRange r;
  r.start = SystemTime(std::chrono::seconds(100));
  r.end = SystemTime(std::chrono::seconds(200));
  CHECK(r.contains(SystemTime(std::chrono::seconds(200))));
  CHECK(r.contains(SystemTime(std::chrono::seconds(100))));
  CHECK_FALSE(r.contains(SystemTime(std::chrono::seconds(201))));
  CHECK_FALSE(r.contains(SystemTime(std::chrono::seconds(99))));
}

TEST_SUITE_END();
