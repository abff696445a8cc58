# Issue 20 §3: requirements files included with -r inside an archive (an sdist, a zip of the
# source) are resolved within the archive: any name (.txt/.in), subfolders and "..", a missing
# include named in a warning, and the same components as the unpacked tree.
source "$HALLMARK_SRC/tests/e2e/lib.sh"

mkdir -p pkg-1.0/ci pkg-1.0/docs
printf 'six==1.16.0\n-r ci/base.in\n-r docs/missing.txt\n' >pkg-1.0/requirements.txt
printf 'idna==3.4\n-r ../common.txt\n' >pkg-1.0/ci/base.in
printf 'attrs==23.1.0\n' >pkg-1.0/common.txt
tar czf pkg-1.0.tar.gz pkg-1.0
(cd pkg-1.0 && zip -qr ../pkg-1.0.zip .)

components() { jget "$1" '"\n".join(sorted(c["purl"] for c in j["components"]))'; }
want=$'pkg:pypi/attrs@23.1.0\npkg:pypi/idna@3.4\npkg:pypi/six@1.16.0'

"$HM" sbom pkg-1.0 -o tree.json 2>tree.err
expect_eq "$(components tree.json)" "$want" "components of the unpacked tree"
for a in pkg-1.0.tar.gz pkg-1.0.zip; do
  "$HM" sbom "$a" -o "$a.json" 2>"$a.err"
  expect_eq "$(components "$a.json")" "$want" "components of $a (includes resolved inside it)"
  expect_contains "$a.err" "$a!/"
  expect_contains "$a.err" "-r docs/missing.txt: cannot read the included file"
  expect_eq "$(grep -c 'warning:' "$a.err")" 1 "warnings for $a"
done
pass "-r includes inside .tar.gz and .zip resolved within the archive, as in the tree"
