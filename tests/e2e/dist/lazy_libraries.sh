# libgit2 and libpq are opened on first use, not mapped at startup (util/dynlib.hpp): the binary
# does not link them, a step in a git repository still records its commit through them, and when
# one cannot be loaded the command that needs it says which library and which Debian package,
# while `run` still passes the command's exit status through.
source "$HALLMARK_SRC/tests/e2e/lib.sh"

linked=$(ldd "$HM")
for lib in libgit2 libpq; do
  printf '%s\n' "$linked" | grep -q "$lib" && fail "hallmark links $lib at startup"
done
pass "libgit2 and libpq are not mapped at startup"

SONAME=$(ldconfig -p | grep -oE 'libgit2\.so\.[0-9]+\.[0-9]+' | head -1)
[ -n "$SONAME" ] || fail "no libgit2 in ldconfig -p"
mkdir ws && cd ws
git init -q . && git -c user.name=t -c user.email=t@e commit -q --allow-empty -m init
HEAD=$(git rev-parse HEAD)
"$HM" run -q --record-dir "$T/rec1" --step s -- true
grep -rqF "$HEAD" "$T/rec1/steps" || fail "the step record lacks the commit $HEAD (libgit2 through the forwarders)"
pass "git context through the lazily opened libgit2"

# A library that cannot be loaded: an invalid file of the same name first on the search path.
mkdir "$T/broken"
echo 'not an ELF file' >"$T/broken/$SONAME"
echo 'not an ELF file' >"$T/broken/libpq.so.5"
rc=$(status env LD_LIBRARY_PATH="$T/broken" "$HM" run --record-dir "$T/rec2" --step s -- sh -c 'exit 3' 2>"$T/run.err")
expect_eq "$rc" 3 "run's exit status without libgit2"
expect_contains "$T/run.err" "cannot load $SONAME"
expect_contains "$T/run.err" "install the Debian package libgit2-"
ls "$T/rec2/steps/"*.json >/dev/null || fail "no step record without libgit2"
pass "without libgit2: a warning naming the package, the exit status and the record unchanged"

rc=$(status env LD_LIBRARY_PATH="$T/broken" "$HM" store migrate --store "postgresql:///x?host=$T" 2>"$T/pg.err")
expect_eq "$rc" 2 "store migrate without libpq"
expect_eq "$(wc -l <"$T/pg.err")" 1 "lines of the libpq error"
expect_contains "$T/pg.err" "cannot load libpq.so.5"
expect_contains "$T/pg.err" "install the Debian package libpq5"
pass "without libpq: a PostgreSQL store is one error line naming the package, exit 2"
