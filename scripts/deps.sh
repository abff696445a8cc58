#!/usr/bin/env bash
# Installs what building and testing hallmark needs on Debian 12 (idempotent; root or sudo).
set -euo pipefail
pkgs=(g++ meson ninja-build pkg-config cmake git
      libgit2-dev libssl-dev nlohmann-json3-dev libarchive-dev libcli11-dev doctest-dev
      libcurl4-openssl-dev zlib1g-dev libsqlite3-dev libyaml-cpp-dev libtomlplusplus-dev libpugixml-dev
      python3 python3-jsonschema python3-cryptography python3-securesystemslib python3-protobuf
      protobuf-compiler openssl in-toto strace node-spdx-expression-parse
      libpq-dev libvalijson-dev postgresql sqlite3
      docker-registry skopeo umoci apache2-utils)
# rpm: the rpmdb.sqlite test builds real .rpm files and an rpm database (tests/e2e/images/rpm.sh).
pkgs+=(rpm)
# jq: the GitHub example extracts the predicate for actions/attest (tests/e2e/attest/ci_examples.sh).
pkgs+=(jq)
# The Debian package (scripts/package.sh), its lint and the install check in a fresh root.
pkgs+=(debhelper dpkg-dev lintian debootstrap)
# clang: the libFuzzer harnesses (scripts/fuzz.sh, run briefly by .ci/run); clang-format: the
# format check (scripts/format.sh).
pkgs+=(clang clang-format)
# chromium renders `hallmark report` headless (tests/e2e/detect/report.sh).
pkgs+=(chromium)
# The man page check (groff) and the zsh completion test.
pkgs+=(groff-base zsh)
# node and npm run the independent verifiers in tests; a machine may have them from elsewhere.
command -v node >/dev/null || pkgs+=(nodejs)
command -v npm >/dev/null || pkgs+=(npm)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
