# `hallmark --version` prints the version and the `git describe` of the build (meson's vcs_tag).
source "$HALLMARK_SRC/tests/e2e/lib.sh"
"$HM" --version >v.out
line=$(cat v.out)
version=$(sed -n "s/^ *version: *'\([^']*\)'.*/\1/p" "$HALLMARK_SRC/meson.build" | head -n 1)
[[ $line =~ ^hallmark\ ([^ ]+)\ \(git\ ([^ ]+)\)$ ]] || fail "--version printed '$line'"
expect_eq "${BASH_REMATCH[1]}" "$version" "version from meson.build"
if git -C "$HALLMARK_SRC" rev-parse --git-dir >/dev/null 2>&1; then
  # meson test rebuilds hallmark first (the dist tests depend on it): it names the commit checked out now.
  describe=$(git -C "$HALLMARK_SRC" describe --always --tags)
  expect_eq "${BASH_REMATCH[2]%-dirty}" "$describe" "git describe of the build"
else
  expect_eq "${BASH_REMATCH[2]}" "$(cat "$HALLMARK_SRC/.tarball-version" 2>/dev/null || echo unknown)" "describe without git"
fi
pass "--version: $line"
