# Accuracy of `hallmark run --trace`: a generated C project of 64 files built with `cc -MD`
# (make -j2); every path the depfiles name must be among the traced reads: 0 misses.
# Run twice by meson, as trace_run.sh: TRACE_READS unset (auto) and TRACE_READS=ptrace.
source "$HALLMARK_SRC/tests/e2e/lib.sh"

mkdir -p proj/include proj/src && cd proj
objs=""
for i in $(seq 0 31); do
  n=$(( (i + 1) % 32 ))
  printf '#pragma once\n#include <stddef.h>\nint f%d(int);\n' "$i" >"include/h$i.h"
  printf '#include "h%d.h"\n#include "h%d.h"\n#include <stdio.h>\nint f%d(int x){return x+%d;}\n' "$i" "$n" "$i" "$i" >"src/s$i.c"
  objs="$objs src/s$i.o"
done
printf 'CFLAGS=-O0 -MD -Iinclude\nall:%s\n\tar rcs libp.a $^\n%%.o: %%.c\n\t$(CC) $(CFLAGS) -c -o $@ $<\n' "$objs" >Makefile

"$HM" run -q --trace --trace-reads "${TRACE_READS:-auto}" --step build -- make -s -j2 || fail "traced build failed"
rec=$(ls .hallmark/*/*build*.json)
$PY - "$rec" <<'PY' || fail "depfile paths missing from the trace"
import json, os, sys, glob
rec = json.load(open(sys.argv[1]))
ws = rec["workspace"]
def canon(p): return os.path.realpath(p if p.startswith("/") else os.path.join(ws, p))
reads = {canon(f["path"]) for f in rec["trace"]["files"] if "read" in f["ops"] and f["success"]}
named = misses = 0
for d in glob.glob("src/*.d"):
    text = open(d).read().replace("\\\n", " ")
    for p in text.split(":", 1)[1].split():
        named += 1
        if canon(p) not in reads:
            misses += 1
            print("miss:", p)
print(f"depfile paths: {named}, misses: {misses}")
sys.exit(0 if misses == 0 and named >= 32 * 4 else 1)
PY
pass "every depfile path traced"
