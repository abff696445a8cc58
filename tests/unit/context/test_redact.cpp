#include "hallmark/context/redact.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace hallmark;

namespace {
// Realistic-length fake tokens, built at run time so that secret scanners do not flag the file.
std::string rep(char c, size_t n) { return std::string(n, c); }
const std::string kGhp = "ghp_" + rep('a', 18) + "0123456789AbCdEfGh";  // 36-char body
const std::string kPat = "github_pat_11ABCDEFG0" + rep('x', 40) + "_" + rep('Y', 20);
const std::string kGlpat = "glpat-" + std::string("Xy12-ab_cd") + rep('Z', 10);
const std::string kAws = "AKIA" + std::string("IOSFODNN7EXAMPLE");
const std::string kAsia = "ASIA" + std::string("ZZZZ1234ABCD5678");
const std::string kSlack = "xoxb-" + std::string("123456789012-1234567890123-") + rep('a', 24);
const std::string kJwt = "eyJ" + std::string("hbGciOiJIUzI1NiJ9") + ".eyJ" + std::string("zdWIiOiIxMjM0NTY3ODkwIn0") +
                         "." + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
const std::string kPem =
    "-----BEGIN " + std::string("RSA PRIVATE KEY-----\nMIIEow") + rep('Q', 64) + "\n-----END RSA PRIVATE KEY-----";
}  // namespace

TEST_SUITE_BEGIN("context");

TEST_CASE("context::is_secret_name") {
  for (const char* n :
       {"GITHUB_TOKEN", "github_token", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "MYSQL_PASSWD", "GPG_PASSPHRASE",
        "API_KEY", "apikey", "GOOGLE_CREDENTIALS", "NPM_AUTH", "AUTHORIZATION", "HTTP_COOKIE", "SESSION_ID",
        "PRIVATE_REPO_URL", "SSH_AUTH_SOCK", "KEYBOARD_LAYOUT"})  // last two: broad on purpose
    CHECK_MESSAGE(is_secret_name(n), n);
  for (const char* n : {"PATH", "HOME", "CI", "GITHUB_SHA", "LANG", "BUILD_NUMBER", "TOKYO", "PASS"})
    CHECK_MESSAGE(!is_secret_name(n), n);
}

TEST_CASE("context::looks_like_secret_value positives") {
  for (const std::string& v :
       {kGhp, "gho_" + rep('b', 36), "ghs_" + rep('C', 36), "ghu_" + rep('1', 36), "ghr_" + rep('d', 36), kPat, kGlpat,
        kAws, kAsia, kSlack, "xoxp-" + rep('9', 30), kJwt, kPem,
        std::string("https://user:hunter2@example.com/repo.git"), std::string("postgres://app:s3cr3t@db:5432/prod"),
        std::string("Authorization: Bearer abc123def456ghi"),
        std::string("-----BEGIN OPENSSH PRIVATE KEY-----\ntruncated")})
    CHECK_MESSAGE(looks_like_secret_value(v), v);
}

TEST_CASE("context::looks_like_secret_value negatives") {
  for (const std::string& v : {std::string("ghp_short"),
                               std::string("ghp_cache_dir"),
                               std::string("glpat-"),
                               std::string("AKIA1234"),                    // too short
                               "XAKIA" + std::string("IOSFODNN7EXAMPLE"),  // inside a longer word
                               "AKIA" + std::string("IOSFODNN7EXAMPLEX"),  // 17 characters, not 16
                               std::string("xoxz-1234567890123"),
                               std::string("xoxb-short"),
                               std::string("eyJhbGciOi.notjwt"),
                               std::string("eyJhbGciOiJIUzI1NiJ9.eyJ.x"),
                               std::string("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----"),
                               std::string("-----BEGIN CERTIFICATE-----"),
                               std::string("https://example.com/path"),
                               std::string("https://git@github.com/org/repo"),
                               std::string("http://localhost:8080/x"),
                               std::string("basic configuration"),
                               std::string("the bearer tokens"),
                               std::string("/usr/local/bin:/usr/bin"),
                               std::string("da39a3ee5e6b4b0d3255bfef95601890afd80709"),
                               std::string("")})
    CHECK_MESSAGE(!looks_like_secret_value(v), v);
}

TEST_CASE("context::redact_text replaces only the secret") {
  CHECK(redact_text("token is " + kGhp + " ok") == "token is [REDACTED] ok");
  CHECK(redact_text("--header=Authorization: Bearer " + kGhp) == "--header=Authorization: Bearer [REDACTED]");
  CHECK(redact_text("curl -H 'Authorization: Basic dXNlcjpwYXNzd29yZA=='") ==
        "curl -H 'Authorization: Basic [REDACTED]'");
  CHECK(redact_text("https://user:pw@host/x") == "https://[REDACTED]@host/x");
  CHECK(redact_text("a https://u:p@ss@host/x b") == "a https://[REDACTED]@host/x b");
  CHECK(redact_text("git clone https://x-access-token:" + kGhp + "@github.com/o/r.git") ==
        "git clone https://[REDACTED]@github.com/o/r.git");
  CHECK(redact_text("key=" + kAws + ",other=" + kSlack) == "key=[REDACTED],other=[REDACTED]");
  CHECK(redact_text("before\n" + kPem + "\nafter") == "before\n[REDACTED]\nafter");
  CHECK(redact_text("jwt " + kJwt) == "jwt [REDACTED]");
  CHECK(redact_text("nothing to see") == "nothing to see");
  // Hostile input: long runs and many partial prefixes stay linear and correct.
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "ghp_eyJ://@";
  CHECK(redact_text(many) == many);
  // Prefixes repeated inside one long token run must not make the scan quadratic.
  std::string pats;
  for (int i = 0; i < 50000; ++i) pats += "github_pat_xoxb-";
  CHECK(redact_text(pats).size() < 100);
}

TEST_CASE("context::strip_url_credentials") {
  CHECK(strip_url_credentials("https://user:pass@github.com/o/r.git") == "https://github.com/o/r.git");
  CHECK(strip_url_credentials("https://" + kGhp + "@github.com/o/r") == "https://github.com/o/r");
  CHECK(strip_url_credentials("https://oauth2@gitlab.com/o/r") == "https://gitlab.com/o/r");
  CHECK(strip_url_credentials("https://u:p@ss@host:8443/x?y#z") == "https://host:8443/x?y#z");
  CHECK(strip_url_credentials("ssh://git@github.com/o/r.git") == "ssh://git@github.com/o/r.git");
  CHECK(strip_url_credentials("ssh://git:pw@host/r") == "ssh://host/r");
  CHECK(strip_url_credentials("git@github.com:o/r.git") == "git@github.com:o/r.git");
  CHECK(strip_url_credentials("https://github.com/o/r") == "https://github.com/o/r");
  CHECK(strip_url_credentials("https://github.com/a@b") == "https://github.com/a@b");
  CHECK(strip_url_credentials("/local/path") == "/local/path");
  CHECK(strip_url_credentials("") == "");
}

TEST_CASE("context::redact_argv") {
  std::vector<std::string> in{"deploy",
                              "--password",
                              "hunter2",
                              "--token=abc",
                              "--api-key",
                              "k1",
                              "-p",
                              "8080",
                              "--verbose",
                              "--header=Authorization: Bearer " + kGhp,
                              "https://u:pw@host/r",
                              "GITHUB_TOKEN=xyz",
                              "CFLAGS=-O2",
                              "-Dapp.db.password=s3",
                              "--",
                              "plain"};
  std::vector<std::string> want{"deploy",
                                "--password",
                                "[REDACTED]",
                                "--token=[REDACTED]",
                                "--api-key",
                                "[REDACTED]",
                                "-p",
                                "8080",
                                "--verbose",
                                "--header=Authorization: [REDACTED]",
                                "https://[REDACTED]@host/r",
                                "GITHUB_TOKEN=[REDACTED]",
                                "CFLAGS=-O2",
                                "-Dapp.db.password=[REDACTED]",
                                "--",
                                "plain"};
  CHECK(redact_argv(in) == want);
  CHECK(redact_argv({"tool", "--password"}) == std::vector<std::string>{"tool", "--password"});
  CHECK(redact_argv({}).empty());
}

TEST_CASE("context::redact_env_value") {
  CHECK(redact_env_value("GITHUB_TOKEN", "anything") == kRedacted);
  CHECK(redact_env_value("AWS_SECRET_ACCESS_KEY", "") == kRedacted);
  CHECK(redact_env_value("HOME", "/home/u") == "/home/u");
  CHECK(redact_env_value("SOME_VAR", kGhp) == kRedacted);
  CHECK(redact_env_value("GIT_REMOTE", "https://u:p@h/r") == "https://[REDACTED]@h/r");
}

TEST_SUITE_END();

// Issue 20 §1: the argv forms real CI commands use. The value goes, the flag or name stays.
TEST_CASE("context::redact_argv CI forms") {
  const std::string pw = "Sup3rS3cretPw";
  auto has = [](const std::vector<std::string>& v, const std::string& secret) {
    for (const auto& a : v)
      if (a.find(secret) != std::string::npos) return true;
    return false;
  };
  // Any secret-looking long option, both spellings.
  for (const char* flag : {"--password", "--db-pass", "--token", "--api-key", "--secret"}) {
    auto spaced = redact_argv({"deploy", flag, pw});
    CHECK(spaced == std::vector<std::string>{"deploy", flag, "[REDACTED]"});
    auto joined = redact_argv({"deploy", std::string(flag) + "=" + pw});
    CHECK(joined == std::vector<std::string>{"deploy", std::string(flag) + "=[REDACTED]"});
  }
  CHECK(redact_argv({"mysql", "-uroot", "-p" + pw, "db"}) ==
        std::vector<std::string>{"mysql", "-uroot", "-p[REDACTED]", "db"});
  CHECK(redact_argv({"/usr/bin/mariadb", "-p", pw}) ==
        std::vector<std::string>{"/usr/bin/mariadb", "-p", "[REDACTED]"});
  CHECK(redact_argv({"docker", "login", "-u", "bot", "-p", pw, "reg.example"}) ==
        std::vector<std::string>{"docker", "login", "-u", "bot", "-p", "[REDACTED]", "reg.example"});
  // -p stays a port elsewhere, -u stays a uid:gid outside curl.
  CHECK(redact_argv({"docker", "run", "-p", "8080:80", "-u", "1000:1000", "img"}) ==
        std::vector<std::string>{"docker", "run", "-p", "8080:80", "-u", "1000:1000", "img"});
  CHECK(redact_argv({"curl", "-u", "bot:" + pw, "https://x.example"}) ==
        std::vector<std::string>{"curl", "-u", "bot:[REDACTED]", "https://x.example"});
  CHECK(redact_argv({"curl", "--user", "bot:" + pw}) == std::vector<std::string>{"curl", "--user", "bot:[REDACTED]"});
  CHECK(redact_argv({"curl", "--user=bot:" + pw}) == std::vector<std::string>{"curl", "--user=bot:[REDACTED]"});
  // Headers with a secret-looking name, whatever the value's shape.
  for (const char* h : {"Authorization", "PRIVATE-TOKEN", "X-API-Key", "X-Session-Id"}) {
    auto r = redact_argv({"curl", "-H", std::string(h) + ": " + pw, "--header=" + std::string(h) + ":" + pw});
    CHECK_FALSE(has(r, pw));
    CHECK(r[2] == std::string(h) + ": [REDACTED]");
    CHECK(r[3] == "--header=" + std::string(h) + ": [REDACTED]");
  }
  CHECK(redact_argv({"curl", "-H", "Accept: application/json"})[2] == "Accept: application/json");
  // env NAME=VALUE and assignments inside sh -c scripts, with the other rules inside too.
  CHECK(redact_argv({"env", "DB_PASSWORD=" + pw, "make"})[1] == "DB_PASSWORD=[REDACTED]");
  auto sh = redact_argv(
      {"sh", "-c",
       "API_TOKEN=" + pw + " make deploy && curl -u bot:" + pw + " -H 'PRIVATE-TOKEN: " + pw + "' x; mysql -p" + pw});
  REQUIRE(sh.size() == 3);
  CHECK_FALSE(has(sh, pw));
  CHECK(sh[2].find("API_TOKEN=[REDACTED]") != std::string::npos);
  CHECK(sh[2].find("make deploy") != std::string::npos);
  CHECK(redact_argv({"bash", "-ec", "export GH_TOKEN=\"" + pw + "\"; echo ok"})[2].find(pw) == std::string::npos);
  CHECK(redact_argv({"sh", "-c", "echo hello world"})[2] == "echo hello world");
  // *_HEADERS assignments.
  CHECK(redact_argv({"env", "OTEL_EXPORTER_OTLP_HEADERS=api-key=" + pw, "x"})[1] ==
        "OTEL_EXPORTER_OTLP_HEADERS=[REDACTED]");
}

TEST_CASE("context::redact URLs with a bare token user") {
  const std::string tok = "0123456789abcdef0123456789abcdef";
  CHECK(redact_text("https://" + tok + "@github.com/acme/app.git").find(tok) == std::string::npos);
  CHECK(redact_text("SENTRY_DSN is https://" + tok + "@o1.ingest.sentry.io/42").find(tok) == std::string::npos);
  CHECK(redact_text("https://" + tok + "@github.com/acme/app.git").find("github.com/acme/app.git") !=
        std::string::npos);
  CHECK(redact_argv({"git", "clone", "https://" + tok + "@github.com/a/b"})[2].find(tok) == std::string::npos);
  CHECK(redact_env_value("SENTRY_DSN", "https://" + tok + "@o1.ingest.sentry.io/42").find(tok) == std::string::npos);
  // An ssh account is no secret.
  CHECK(redact_text("ssh://git@github.com/a/b") == "ssh://git@github.com/a/b");
}

TEST_CASE("context::redact *_HEADERS variables") {
  CHECK(is_secret_env_name("OTEL_EXPORTER_OTLP_HEADERS"));
  CHECK(is_secret_env_name("OTEL_EXPORTER_OTLP_TRACES_HEADERS"));
  CHECK(is_secret_env_name("MY_HEADERS"));
  CHECK_FALSE(is_secret_env_name("HOME"));
  CHECK(redact_env_value("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-honeycomb-team=abc") == "[REDACTED]");
}
