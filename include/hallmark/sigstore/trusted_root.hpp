// The Sigstore trusted root (application/vnd.dev.sigstore.trustedroot+json;version=0.1): which
// Fulcio CAs, Rekor logs (v1 and v2), CT logs and timestamp authorities a keyless verification
// trusts, and when. It is loaded once per verification and never fetched: hallmark ships the
// public-good root (data/sigstore/trusted_root.json) and `--trusted-root FILE` replaces it.
// Parsing is strict: a key or certificate that does not decode, or a validity window without its
// start, makes the whole root unusable rather than silently weaker.
#pragma once

#include "hallmark/util/result.hpp"
#include "hallmark/util/time.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;

namespace hallmark::sigstore {

inline constexpr const char* kTrustedRootMediaType = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

// A closed interval [start, end]; no end means still valid. Both ends are inclusive, as the
// trusted root spec's TimeRange is.
struct TimeRange {
  SystemTime start{};
  std::optional<SystemTime> end;
  bool contains(SystemTime t) const { return t >= start && (!end || t <= *end); }
};

// A transparency log (Rekor v1 or v2) or a CT log: its key and where it answers.
struct LogInstance {
  std::string base_url;
  std::string log_id;       // raw bytes of logId.keyId (SHA-256 of the DER SPKI)
  std::string key_details;  // "PKIX_ECDSA_P256_SHA_256", "PKIX_ED25519", ...
  std::shared_ptr<EVP_PKEY> key;
  TimeRange valid_for;
  std::string origin_host() const;  // base_url without scheme and trailing "/"
};

// A Fulcio CA or a timestamp authority: its chain (leaf-most first, root last).
struct CertificateAuthority {
  std::string uri;
  std::vector<std::shared_ptr<X509>> chain;
  TimeRange valid_for;
};

struct TrustedRoot {
  std::vector<LogInstance> tlogs;
  std::vector<LogInstance> ctlogs;
  std::vector<CertificateAuthority> certificate_authorities;
  std::vector<CertificateAuthority> timestamp_authorities;

  const LogInstance* tlog_by_id(std::string_view log_id) const;
};

// Errors name `origin` and the field ("tlogs[1].publicKey.validFor.start: missing").
Result<TrustedRoot> trusted_root_from_json(std::string_view text, const std::string& origin);
Result<TrustedRoot> load_trusted_root(const std::filesystem::path& path);

}  // namespace hallmark::sigstore
