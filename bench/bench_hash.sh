#!/usr/bin/env bash
# Issue 2's hashing benchmark. Generates a 20,000-file / ~1.1 GB tree in a temp dir, warms the
# page cache, then takes the median of RUNS runs (default 3) of:
#   (a) hallmark: `hallmark run -q -- true` in the tree (materials + products walk), or, when the
#       binary has no working `run`, bench/walk-bench (the same two walks and the diff);
#   (b) one parallel OpenSSL pass: find | xargs -P$(nproc) -n 2000 openssl dgst -sha256;
#   (c) Debian's in-toto-run -n s --materials . --products . --key K --key-type ed25519 -- true.
# Prints each median, (a)/(b) [bar <= 1.0], (c)/(a) [bar >= 8] and the peak RSS of (a)
# [bar <= 64 MB].
#
#   bench/bench_hash.sh [path/to/hallmark]      (default build/hallmark)
#   env: RUNS=N, BENCH_SKIP_INTOTO=1, BENCH_SMALL_FILES/BENCH_LARGE_FILES/BENCH_LARGE_MB (tree shape)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${1:-build/hallmark}")"
walk_bench="${WALK_BENCH:-$(dirname "$bin")/bench/walk-bench}"
runs="${RUNS:-3}"
py=/usr/bin/python3

work="$(mktemp -d "${TMPDIR:-/tmp}/hallmark-bench-XXXXXX")"
trap 'rm -rf "$work"' EXIT
tree="$work/tree"
mkdir -p "$tree"

echo "bench_hash: generating the tree in $tree ..." >&2
"$py" "$here/make_tree.py" "$tree"
files=$(find "$tree" -type f | wc -l)
bytes=$(du -sb "$tree" | cut -f1)
echo "bench_hash: $files files, $((bytes / 1000000)) MB; $(nproc) cores" >&2
find "$tree" -type f -print0 | xargs -0 cat >/dev/null  # page cache warm

# Median of the elapsed seconds of $runs runs of "$@" (run in $tree); the peak RSS (KB) of the
# run with the largest one goes to $work/rss.
time_median() {
  local i times=() rss=0 m
  for ((i = 0; i < runs; i++)); do
    (cd "$tree" && /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr") || {
      cat "$work/stderr" >&2
      echo "bench_hash: command failed: $*" >&2
      exit 1
    }
    read -r t m <"$work/time"
    times+=("$t")
    ((m > rss)) && rss=$m
    rm -rf "$tree"/.hallmark "$tree"/s.*.link
  done
  echo "$rss" >"$work/rss"
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# (a): the real CLI when it can run a step, else the walk-only stand-in.
if HALLMARK_DIR="$work/probe" "$bin" run -q -- true >/dev/null 2>&1; then
  a_label="hallmark run -q -- true"
  export HALLMARK_DIR="$work/records"  # the record dir outside the tree being measured
  a_cmd=("$bin" run -q -- true)
else
  [[ -x "$walk_bench" ]] || { echo "bench_hash: no working '$bin run' and no $walk_bench" >&2; exit 1; }
  a_label="walk-bench (materials + products walk; hallmark run not available)"
  a_cmd=("$walk_bench" .)
fi
a=$(time_median "${a_cmd[@]}")
a_rss=$(cat "$work/rss")
[[ "${a_cmd[0]}" == "$walk_bench" ]] && (cd "$tree" && "$walk_bench" . 2>&1 | sed 's/^/  /' >&2)

b=$(time_median bash -c 'find . -type f -print0 | xargs -0 -P"$(nproc)" -n 2000 openssl dgst -sha256')

c=""
if [[ -z "${BENCH_SKIP_INTOTO:-}" ]] && command -v in-toto-run >/dev/null; then
  in-toto-keygen -t ed25519 "$work/K" >/dev/null
  c=$(time_median in-toto-run -n s --materials . --products . --key "$work/K" --key-type ed25519 -- true)
fi

echo "median of $runs runs, $files files / $((bytes / 1000000)) MB, $(nproc) cores:"
echo "  (a) $a_label: ${a} s, peak RSS $((a_rss / 1024)) MB (bar <= 64 MB)"
echo "  (b) find | xargs -P$(nproc) openssl dgst -sha256: ${b} s"
[[ -n "$c" ]] && echo "  (c) in-toto-run --materials . --products .: ${c} s"
awk -v a="$a" -v b="$b" 'BEGIN {printf "  (a)/(b) = %.2f (bar <= 1.0)\n", a / b}'
[[ -n "$c" ]] && awk -v a="$a" -v c="$c" 'BEGIN {printf "  (c)/(a) = %.1f (bar >= 8)\n", c / a}'
exit 0
