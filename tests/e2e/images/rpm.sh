# Issue 15 §3: rpm packages of an image from rpm's SQLite database (rpmdb.sqlite, rpm >= 4.16),
# read from memory. Three real .rpm files are built here with rpmbuild (Epoch, Requires and
# Provides among them) and installed into a root's database with rpm --justdb; the truth is
# `rpm -qa` of that root. A corrupt header and a file that is not a database are warnings.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/images/image_lib.sh"
command -v rpmbuild >/dev/null || fail "rpmbuild missing (scripts/deps.sh installs rpm)"

for p in "alpha 1.2.3 4.fc39 0 MIT" "beta 2.0 1.fc39 2 GPL-2.0-or-later" "gamma 0.9 7.fc39 0 Apache-2.0"; do
  set -- $p
  {
    printf 'Name: %s\nVersion: %s\nRelease: %s\nSummary: test %s\nLicense: %s\nVendor: Fedora Project\nBuildArch: noarch\n' "$1" "$2" "$3" "$1" "$5"
    [ "$4" = 0 ] || printf 'Epoch: %s\n' "$4"
    [ "$1" = beta ] && printf 'Requires: alpha\n'
    [ "$1" = gamma ] && printf 'Requires: libalpha.so\n'
    [ "$1" = alpha ] && printf 'Provides: libalpha.so\n'
    printf '%%description\ntest\n%%files\n'
  } >"$1.spec"
  rpmbuild -bb --define "_topdir $T/top" --define "_rpmdir $T/rpms" "$1.spec" >/dev/null 2>&1 || fail "rpmbuild $1"
done
mkdir -p root/etc
printf 'ID=fedora\nVERSION_ID=39\n' >root/etc/os-release
rpm --root "$T/root" --dbpath /var/lib/rpm --initdb
rpm --root "$T/root" --dbpath /var/lib/rpm -i --nodeps --justdb --noscripts "$T"/rpms/noarch/*.rpm 2>/dev/null
[ -s root/var/lib/rpm/rpmdb.sqlite ] || fail "rpm wrote no rpmdb.sqlite (is its backend sqlite?)"
rpm --root "$T/root" --dbpath /var/lib/rpm -qa --qf '%{NAME} %{VERSION}-%{RELEASE}\n' 2>/dev/null | sort >truth.txt
expect_eq "$(wc -l <truth.txt)" 3 "packages rpm lists"
rm -f root/var/lib/rpm/rpmdb.sqlite-shm root/var/lib/rpm/rpmdb.sqlite-wal root/var/lib/rpm/.rpm.lock
pack_layout root layout v1 >/dev/null

"$HM" sbom --image oci:layout:v1 -o image.json 2>image.err || { cat image.err; fail "sbom --image"; }
jget image.json '"\n".join(sorted(c["name"]+" "+c["version"] for c in j["components"] if c["purl"].startswith("pkg:rpm/")))' >got.txt
diff truth.txt got.txt || fail "rpm components differ from rpm -qa"
jget image.json '[c["purl"] for c in j["components"] if c["name"] == "beta"][0]' >beta.txt
expect_eq "$(cat beta.txt)" "pkg:rpm/fedora/beta@2.0-1.fc39?arch=noarch&distro=fedora-39&epoch=2" "beta's purl"
deps=$(jget image.json '" ".join(sorted(r["ref"].split("@")[0].split("/")[-1]+">"+d.split("@")[0].split("/")[-1] for r in j["dependencies"] for d in r.get("dependsOn", []) if r["ref"].startswith("pkg:rpm/")))')
expect_eq "$deps" "beta>alpha gamma>alpha" "edges from Requires through Provides"
jget image.json '[l["license"].get("id") for c in j["components"] if c["name"] == "gamma" for l in c["licenses"]][0]' >lic.txt
expect_eq "$(cat lic.txt)" "Apache-2.0" "gamma's license"
"$HM" sbom root -o tree.json 2>/dev/null
expect_eq "$(jget tree.json 'len([c for c in j["components"] if c["purl"].startswith("pkg:rpm/")])')" 3 "rpm packages of the same root as a directory"
pass "rpm packages of an image from rpmdb.sqlite, as rpm -qa lists them"

# A corrupt header: that package is a warning, the others stay.
cp -a root bad
sqlite3 bad/var/lib/rpm/rpmdb.sqlite "UPDATE Packages SET blob = x'0000000100000010' WHERE hnum = (SELECT min(hnum) FROM Packages)"
"$HM" sbom bad -o bad.json 2>bad.err
expect_eq "$(jget bad.json 'len([c for c in j["components"] if c["purl"].startswith("pkg:rpm/")])')" 2 "packages beside a corrupt header"
expect_contains bad.err "do not add up"
# Not a database at all.
mkdir -p notdb/var/lib/rpm && echo 'not sqlite' >notdb/var/lib/rpm/rpmdb.sqlite
"$HM" sbom notdb -o notdb.json 2>notdb.err
expect_contains notdb.err "not an SQLite database"
pass "a corrupt header and a non-database are warnings, never a crash"
