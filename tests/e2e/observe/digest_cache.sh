# The run's digest-cache: a traced step reuses the toolchain digests of the run's earlier steps
# only while the tool is unchanged; a tool replaced between steps (same size, mtime put back)
# is hashed again, so its record names the new content.
source "$HALLMARK_SRC/tests/e2e/lib.sh"

mkdir tools ws && cd ws
cp /bin/true ../tools/tool
tool=$(realpath ../tools/tool)
step() { "$HM" run -q --trace --step "$1" -- "$tool"; }
exe_digest() {  # the exe digest the step named $1 recorded for the tool
  jget "$(ls .hallmark/steps/*-"$1".json)" "[p['exe_sha256'] for p in j['trace']['processes'] if p['exe']=='$tool'][0]"
}

step one
expect_contains .hallmark/digest-cache " $tool"
expect_eq "$(exe_digest one)" "$(sha256sum "$tool" | cut -d' ' -f1)" "first step: digest of the tool"

# A wrong digest planted for the unchanged tool is what the next step reports: proof that the
# entry is used rather than the file read again.
sed -i "s/sha256=[0-9a-f]* $(printf '%s' "$tool" | sed 's/[/.]/\\&/g')\$/sha256=$(printf 'b%.0s' $(seq 64)) $(printf '%s' "$tool" | sed 's/[/.]/\\&/g')/" .hallmark/digest-cache
step two
expect_eq "$(exe_digest two)" "$(printf 'b%.0s' $(seq 64))" "second step: the cached entry"

# Same size, same mtime, different bytes: the ctime moved, so the cache is not trusted.
size=$(stat -c %s "$tool")
touch -r "$tool" ../stamp
$PY - "$tool" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[-1] ^= 0xff                       # last byte of the ELF (section headers): still runs
open(p, "r+b").write(bytes(b))
PY
touch -r ../stamp "$tool"
expect_eq "$(stat -c %s "$tool")" "$size" "same size"
step three
expect_eq "$(exe_digest three)" "$(sha256sum "$tool" | cut -d' ' -f1)" "third step: the changed tool hashed again"

# A damaged cache file is no error: the step hashes what it needs.
printf 'garbage\n\0\0\n' >>.hallmark/digest-cache
step four 2>err.txt
expect_not_contains err.txt "digest"
expect_eq "$(exe_digest four)" "$(sha256sum "$tool" | cut -d' ' -f1)" "fourth step after damage"
pass "digest-cache reused while tools are unchanged, never after a change"
