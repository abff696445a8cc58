# `meson install` puts under the prefix what a user needs: the binary, every file of schemas/ and
# data/ under share/hallmark/ (as in the source tree), the man page and the completions; and a
# binary in that prefix's bin/ finds its data there (find_data_file), not in the source tree.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
meson install -C "$HALLMARK_BUILD" --no-rebuild --quiet --destdir "$T/root" >install.log 2>&1 ||
  { cat install.log; fail "meson install failed"; }
bin=$(find "$T/root" -path '*/bin/hallmark' -type f)
[ -n "$bin" ] || fail "no bin/hallmark installed"
P=$(dirname "$(dirname "$bin")")
for f in share/man/man1/hallmark.1 share/bash-completion/completions/hallmark share/zsh/vendor-completions/_hallmark; do
  [ -s "$P/$f" ] || fail "$f not installed"
done
cmp "$HALLMARK_SRC/docs/hallmark.1" "$P/share/man/man1/hallmark.1" || fail "installed man page differs"
(cd "$HALLMARK_SRC" && find schemas data -type f | sort) >source.list
(cd "$P/share/hallmark" && find . -type f | sed 's|^\./||' | sort) >installed.list
diff source.list installed.list || fail "share/hallmark/ does not mirror schemas/ and data/"
grep -q '^schemas/' installed.list || fail "no schema installed"
"$bin" --version | grep -q '^hallmark ' || fail "installed binary does not run"
pass "meson install: binary, $(wc -l <installed.list) data files, man page, completions"

cp "$DATA_FILE_PROBE" "$P/bin/data-file-probe"
schema=$(grep -m1 '^schemas/' installed.list)
expect_eq "$("$P/bin/data-file-probe" "$schema")" "$P/share/hallmark/$schema" "lookup beside the installed binary"
expect_eq "$("$P/bin/data-file-probe" data/README.md)" "$P/share/hallmark/data/README.md" "data/ lookup"
# From the build directory the same file comes from the source tree.
expect_eq "$("$DATA_FILE_PROBE" "$schema")" "$HALLMARK_SRC/$schema" "lookup from the build directory"
rc=$(status "$P/bin/data-file-probe" schemas/no-such.json 2>err.txt)
expect_eq "$rc" 2 "missing data file"
expect_contains err.txt "$P/share/hallmark/schemas/no-such.json"
pass "an installed binary finds its data under PREFIX/share/hallmark"
