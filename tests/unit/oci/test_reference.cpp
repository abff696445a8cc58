#include "hallmark/oci/blob.hpp"
#include "hallmark/oci/credentials.hpp"
#include "hallmark/oci/image.hpp"
#include "hallmark/oci/reference.hpp"
#include "hallmark/oci/registry.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace hallmark;
using namespace hallmark::oci;

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci::parse_image_ref transports") {
  auto a = parse_image_ref("oci:/tmp/layout:v1");
  REQUIRE(a.ok());
  CHECK(a->transport == Transport::oci_layout);
  CHECK(a->path == "/tmp/layout");
  CHECK(a->tag == "v1");
  auto b = parse_image_ref("oci:./dir.v2/sub");
  REQUIRE(b.ok());
  CHECK(b->path == "./dir.v2/sub");
  CHECK(b->tag.empty());
  auto c = parse_image_ref("oci-archive:img.tar:latest");
  REQUIRE(c.ok());
  CHECK(c->transport == Transport::oci_archive);
  CHECK(c->path == "img.tar");
  auto d = parse_image_ref("docker-archive:/x/save.tar");
  REQUIRE(d.ok());
  CHECK(d->transport == Transport::docker_archive);
  CHECK(d->path == "/x/save.tar");
}

TEST_CASE("oci::parse_image_ref registry names") {
  auto a = parse_image_ref("127.0.0.1:5000/team/app:v1");
  REQUIRE(a.ok());
  CHECK(a->registry == "127.0.0.1:5000");
  CHECK(a->repository == "team/app");
  CHECK(a->tag == "v1");
  CHECK(a->to_string() == "127.0.0.1:5000/team/app:v1");
  auto b = parse_image_ref("docker://debian");
  REQUIRE(b.ok());
  CHECK(b->registry == "docker.io");
  CHECK(b->repository == "library/debian");
  CHECK(b->tag == "latest");
  CHECK(b->api_host() == "registry-1.docker.io");
  std::string digest = "sha256:" + std::string(64, 'a');
  auto c = parse_image_ref("ghcr.io/o/r@" + digest);
  REQUIRE(c.ok());
  CHECK(c->digest == digest);
  CHECK(c->tag.empty());
  auto d = parse_image_ref("localhost/r:t@" + digest);
  REQUIRE(d.ok());
  CHECK(d->registry == "localhost");
  CHECK(d->tag == "t");
}

TEST_CASE("oci::parse_image_ref rejects bad references") {
  CHECK_FALSE(parse_image_ref("").ok());
  CHECK_FALSE(parse_image_ref("ghcr.io/Upper/r:t").ok());
  CHECK_FALSE(parse_image_ref("ghcr.io/o/r@sha256:abc").ok());
  CHECK_FALSE(parse_image_ref("ghcr.io/o/r@md5:" + std::string(32, 'a')).ok());
  CHECK_FALSE(parse_image_ref("ghcr.io/o/r:bad tag").ok());
  CHECK_FALSE(parse_image_ref("ghcr.io/o/r:-x").ok());
  CHECK_FALSE(parse_image_ref("oci:").ok());
  auto e = parse_image_ref("ghcr.io/o/r@sha256:abc");
  CHECK(e.message().find("sha256:abc") != std::string::npos);
}

TEST_CASE("oci::DigestChecker size and digest") {
  std::string data = "hello";
  std::string d = sha256_digest(data);
  {
    DigestChecker c(d, 5);
    CHECK(c.update(data).ok());
    CHECK(c.finish().ok());
  }
  {
    DigestChecker c(d, 4);  // a manifest that lies about the size: stopped while reading
    auto st = c.update(data);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find(d) != std::string::npos);
  }
  {
    DigestChecker c(d, 6);
    CHECK(c.update(data).ok());
    CHECK_FALSE(c.finish().ok());  // short
  }
  {
    DigestChecker c(d, 5);
    CHECK(c.update("hellO").ok());
    auto st = c.finish();
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("digest mismatch: blob " + d) != std::string::npos);
  }
  CHECK_FALSE(verify_bytes("x", Descriptor{"", "sha512:abc", 1, "", {}, nullptr}).ok());
}

TEST_CASE("oci::platform") {
  auto p = parse_platform("linux/arm64/v8");
  REQUIRE(p.ok());
  CHECK(p->architecture == "arm64");
  CHECK(p->matches(nlohmann::json{{"os", "linux"}, {"architecture", "arm64"}, {"variant", "v8"}}));
  CHECK_FALSE(p->matches(nlohmann::json{{"os", "linux"}, {"architecture", "amd64"}}));
  CHECK_FALSE(parse_platform("linux").ok());
  CHECK_FALSE(host_platform().architecture.empty());
}

TEST_CASE("oci::credentials from auth files, first file wins") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("hm-oci-cred-" + std::to_string(::getpid()));
  fs::create_directories(dir / "docker");
  std::ofstream(dir / "auth.json") << R"({"auths": {"reg.example:5000": {"auth": "dTE6cDE="}}})";  // u1:p1
  std::ofstream(dir / "docker/config.json")
      << R"({"auths": {"https://reg.example:5000/v1/": {"auth": "dTI6cDI="}, "other.example": {"auth": "dTM6cDM="}}})";
  EnvMap env{{"REGISTRY_AUTH_FILE", (dir / "auth.json").string()}, {"DOCKER_CONFIG", (dir / "docker").string()}};
  auto a = find_credentials(env, "reg.example:5000");
  REQUIRE(a.has_value());
  CHECK(a->username == "u1");
  CHECK(a->password == "p1");
  auto b = find_credentials(env, "other.example");
  REQUIRE(b.has_value());
  CHECK(b->username == "u3");
  CHECK_FALSE(find_credentials(env, "nowhere.example").has_value());
  CHECK_FALSE(find_credentials(EnvMap{}, "reg.example:5000").has_value());
  fs::remove_all(dir);
}

TEST_CASE("oci::loopback hosts") {
  CHECK(is_loopback_host("127.0.0.1:5000"));
  CHECK(is_loopback_host("localhost"));
  CHECK(is_loopback_host("[::1]:5000"));
  CHECK_FALSE(is_loopback_host("registry.example"));
  CHECK_FALSE(is_loopback_host("128.0.0.1"));
}

TEST_SUITE_END();
