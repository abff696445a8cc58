// Secret redaction: the one place that decides what may reach a record, a log line or a
// telemetry event. Names that look like secrets (TOKEN, SECRET, PASSWORD, KEY, ...) and values
// shaped like known tokens (ghp_, glpat-, AKIA, xox?-, JWTs, PEM private keys, URLs with
// user:password@) become "[REDACTED]".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hallmark {

inline constexpr const char* kRedacted = "[REDACTED]";

bool is_secret_name(std::string_view name);
// A secret name, or a *_HEADERS variable (OTEL_EXPORTER_OTLP_HEADERS carries API keys).
bool is_secret_env_name(std::string_view name);
bool looks_like_secret_value(std::string_view value);
// Replaces every token-shaped substring and URL credential in free text.
std::string redact_text(std::string_view text);
// scheme://user:pass@host/... -> scheme://host/... (both user and password dropped).
std::string strip_url_credentials(std::string_view url);
// argv: token-shaped values, URL credentials, the value of options named like secrets
// (--password X, --token=X), secret headers (-H 'Authorization: ...'), mysql/docker login -pX,
// curl -u user:PASS, NAME=VALUE with a secret NAME, and the same inside `sh -c` scripts.
// Rules: docs/redaction.md.
std::vector<std::string> redact_argv(const std::vector<std::string>& argv);
// Environment value for NAME: redacted if the name or the value says secret.
std::string redact_env_value(std::string_view name, std::string_view value);

}  // namespace hallmark
