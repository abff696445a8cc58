#!/usr/bin/env bash
# Builds the Debian package from this tree: OUT/hallmark_<version>_<arch>.deb (dpkg-buildpackage
# -b over debian/), and prints the .deb's path as its last line.
# Usage: scripts/package.sh [OUT]   (OUT defaults to build-deb/)
# The build runs in a copy of the tree (dpkg-buildpackage writes into the parent directory and
# cleans the tree it builds in); the copy gets .tarball-version, the `git describe` that
# `hallmark --version` prints, since it has no .git.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
out=$(realpath -m "${1:-build-deb}")
mkdir -p "$out"
version=$(dpkg-parsechangelog -S Version)
meson_version=$(sed -n "s/^ *version: *'\([^']*\)'.*/\1/p" meson.build | head -n 1)
[ "$version" = "$meson_version" ] ||
  { echo "package.sh: debian/changelog says $version, meson.build $meson_version: add a changelog entry" >&2; exit 2; }
# A fixed path for the copy: the compiler cache hits only when the build's paths are the same.
exec 9>"$out/.lock"
flock -n 9 || { echo "package.sh: another package build is using $out" >&2; exit 2; }
work=$out/tree
rm -rf "$work"
tree=$work/hallmark-$version
mkdir -p "$tree"

if git rev-parse --git-dir >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi; done |
    tar -c --null -T - | tar -x -C "$tree"
  git describe --always --dirty --tags >"$tree/.tarball-version"
else
  # A tree without git (a release tarball, a CI action's download): everything but build output.
  tar -c --exclude='./build*' --exclude=./.hallmark . | tar -x -C "$tree"
fi

# debhelper gives each build a HOME of its own: keep using the configured compiler cache.
if command -v ccache >/dev/null && [ -z "${CCACHE_DIR:-}" ]; then
  CCACHE_DIR=$(ccache -k cache_dir 2>/dev/null || true)
  [ -n "$CCACHE_DIR" ] && export CCACHE_DIR
fi
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=$(nproc)}
(cd "$tree" && dpkg-buildpackage -b -uc -us) >"$out/build.log" 2>&1 || {
  tail -n 60 "$out/build.log" >&2
  echo "package.sh: dpkg-buildpackage failed (last lines above)" >&2
  exit 2
}
mv "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$out/"
rm -rf "$work"
deb=$(ls "$out"/hallmark_"$version"_*.deb)
echo "$deb"
