#!/usr/bin/env bash
# The Sigstore conformance suite's `verify-bundle` protocol (sigstore-conformance
# docs/cli_protocol.md) mapped onto `hallmark verify`:
#   verify_bundle.sh --bundle B (--certificate-identity I --certificate-oidc-issuer O | --key K)
#                    [--trusted-root T] FILE_OR_DIGEST
# FILE_OR_DIGEST is the artifact or sha256:HEX. Exit status is hallmark's (0 verified).
set -euo pipefail
: "${HALLMARK_BIN:?}"
args=()
while [ $# -gt 1 ]; do
  case $1 in
    --bundle) args+=(--provenance "$2"); shift 2 ;;
    --certificate-identity|--certificate-oidc-issuer|--key|--trusted-root) args+=("$1" "$2"); shift 2 ;;
    *) echo "verify_bundle.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case ${1:?FILE_OR_DIGEST} in
  sha256:*) args+=(--artifact-digest "$1") ;;
  *) args+=(--artifact "$1") ;;
esac
exec "$HALLMARK_BIN" verify "${args[@]}"
