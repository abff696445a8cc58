# The Debian package (suite 'package'; needs root and the Debian mirror): scripts/package.sh
# builds hallmark_<version>_<arch>.deb with its files and dependencies, lintian reports no error,
# and on a fresh Debian 12 root (debootstrap minbase: never saw hallmark) `apt-get install
# ./hallmark_*.deb` installs it, after which `hallmark --version`, one `hallmark run` and the
# README's main job (scripts/demo.sh with the installed binary) work there.
# HALLMARK_DEB=path checks that .deb instead of building one.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: the package check needs root (debootstrap, chroot)"; exit 77; }
secs() { awk -v ns="$(( $(date +%s%N) - $1 ))" 'BEGIN { printf "%.1f", ns / 1e9 }'; }

t0=$(date +%s%N)
if [ -n "${HALLMARK_DEB:-}" ]; then
  deb=$HALLMARK_DEB  # a .deb built before (checking a release, or iterating on this test)
else
  "$HALLMARK_SRC/scripts/package.sh" "$HALLMARK_BUILD/package" >package.log 2>&1 || { cat package.log; fail "scripts/package.sh failed"; }
  deb=$(tail -n 1 package.log)
fi
version=$(dpkg-deb -f "$deb" Version)
expect_eq "$(basename "$deb")" "hallmark_${version}_$(dpkg --print-architecture).deb" ".deb name"
if [ -n "${HALLMARK_DEB:-}" ]; then pass "$(basename "$deb") given (HALLMARK_DEB)"; else pass "scripts/package.sh built $(basename "$deb") in $(secs "$t0") s"; fi

dpkg-deb -c "$deb" | awk '{print $6}' >contents.txt
for f in ./usr/bin/hallmark ./usr/share/man/man1/hallmark.1.gz ./usr/share/bash-completion/completions/hallmark \
         ./usr/share/zsh/vendor-completions/_hallmark ./usr/share/hallmark/data/README.md; do
  grep -qxF "$f" contents.txt || fail "$f missing from the package"
done
(cd "$HALLMARK_SRC" && find schemas -type f | sed 's|^|./usr/share/hallmark/|' | sort) >schemas.want
grep '^./usr/share/hallmark/schemas/.*[^/]$' contents.txt | sort >schemas.got
diff schemas.want schemas.got || fail "the package's share/hallmark/schemas differs from schemas/"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libgit2 libssl3 libyaml-cpp libarchive13 libcurl4 libpq5; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
# The packaged binary never falls back to the tree it was built from.
dpkg-deb -x "$deb" extracted
! grep -qaF "/hallmark-$version" extracted/usr/bin/hallmark || fail "the binary embeds its build tree path"
pass "package contents: binary, schemas, data, man page, completions; Depends: ${depends:0:60}..."

lintian --fail-on error --suppress-tags-from-file /dev/null "$deb" >lintian.txt 2>&1 || { cat lintian.txt; fail "lintian reports errors"; }
expect_not_contains lintian.txt "E: "
pass "lintian: no errors ($(grep -c '^W: ' lintian.txt || true) warnings)"

t0=$(date +%s%N)
root=$T/root
on_exit "umount '$root/proc' 2>/dev/null"
"$HALLMARK_SRC/scripts/fresh_root.sh" "$root" || fail "no fresh root"
pass "fresh Debian 12 root in $(secs "$t0") s"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
in_root sh -c 'command -v hallmark' && fail "the fresh root already has hallmark"
cp "$deb" "$root/tmp/"
in_root apt-get update -qq >apt.log 2>&1 || { cat apt.log; fail "apt-get update in the fresh root"; }
t0=$(date +%s%N)
in_root apt-get install -y -qq "./tmp/$(basename "$deb")" >>apt.log 2>&1 ||
  { cat apt.log; fail "apt-get install ./$(basename "$deb") in the fresh root"; }
pass "apt-get install ./$(basename "$deb") in $(secs "$t0") s"

in_root hallmark --version >version.txt
expect_contains version.txt "hallmark $version (git "
mkdir -p "$root/tmp/ws"
in_root sh -c 'cd /tmp/ws && hallmark run -q --step hello -- sh -c "echo hello >out.txt"' || fail "hallmark run in the fresh root"
rec=$(ls "$root"/tmp/ws/.hallmark/*/*hello*.json)
expect_eq "$(jget "$rec" '[p["path"] for p in j["products"]]')" "['out.txt']" "the step's product"
pass "installed hallmark: $(cat version.txt); hallmark run recorded a step"

# The README's main job, with the installed hallmark, on a copy of the sample project.
t0=$(date +%s%N)
in_root apt-get install -y -qq --no-install-recommends make gcc libc6-dev git >>apt.log 2>&1 ||
  { cat apt.log; fail "apt-get install make gcc git in the fresh root"; }
mkdir -p "$root/opt/hallmark/scripts" "$root/opt/hallmark/ci-examples"
cp "$HALLMARK_SRC/scripts/demo.sh" "$root/opt/hallmark/scripts/"
cp -r "$HALLMARK_SRC/ci-examples/sample-project" "$root/opt/hallmark/ci-examples/"
in_root env HALLMARK=/usr/bin/hallmark /opt/hallmark/scripts/demo.sh >demo.log 2>&1 || { cat demo.log; fail "the main job with the installed hallmark"; }
expect_contains demo.log "PASSED: dist/greet-1.0.0.tar.gz"
# It ends by printing the report's path; the report of this run stays <= 200 KB (issue 17).
bytes=$(sed -n 's/^report: .* (\([0-9]*\) bytes.*/\1/p' demo.log)
[ -n "$bytes" ] || { cat demo.log; fail "the main job printed no report path"; }
[ "$bytes" -le 204800 ] || fail "the demo's report is $bytes bytes (> 200 KB)"
echo "demo report: $bytes bytes"
pass "the README's main job passes with the installed package ($(secs "$t0") s with make and gcc installed)"
