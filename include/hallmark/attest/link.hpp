// Per-step signed statements for in-toto layouts: `hallmark run --sign --key K` turns the step
// record into an in-toto Statement v1 with the link predicate v0.3 (name, command, materials,
// byproducts, environment; subjects = the step's products), signs it as a DSSE envelope and
// writes <record dir>/links/<step>.<keyid[:8]>.link.intoto.jsonl, as in-toto names link files.
#pragma once

#include "hallmark/attest/signing.hpp"
#include "hallmark/model/step_record.hpp"
#include "hallmark/util/result.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace hallmark {

inline constexpr const char* kInTotoLinkV03 = "https://in-toto.io/attestation/link/v0.3";

nlohmann::json build_link_statement(const StepRecord& step);

// `hallmark run --sign --key K [--password-file F]`: the flags, and the key loaded up front.
struct LinkSigning {
  bool enabled = false;
  std::string key;
  std::string password_file;
  std::optional<SigningKey> signing_key;  // set by prepare_link_signing when enabled
};
Status prepare_link_signing(LinkSigning& signing, const EnvMap& env);

// Signs the step's link statement and writes it under `links_dir`; returns the file written.
Result<std::filesystem::path> write_signed_link(const StepRecord& step, const SigningKey& key,
                                                const std::filesystem::path& links_dir);

}  // namespace hallmark
