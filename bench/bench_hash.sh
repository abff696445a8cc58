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
#   env: RUNS=N, BENCH_SKIP_INTOTO=1, BENCH_SMALL_FILES/BENCH_LARGE_FILES/BENCH_LARGE_MB (tree shape),
#        BENCH_TREE=DIR (use, and keep, a tree already generated there by make_tree.py)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${1:-build/hallmark}")"
walk_bench="${WALK_BENCH:-$(dirname "$bin")/bench/walk-bench}"
runs="${RUNS:-3}"
py=/usr/bin/python3

work="$(mktemp -d "${TMPDIR:-/tmp}/hallmark-bench-XXXXXX")"
trap 'rm -rf "$work"' EXIT
if [[ -n "${BENCH_TREE:-}" ]]; then
  tree="$(realpath "$BENCH_TREE")"
  [[ -d "$tree" ]] || { mkdir -p "$tree" && "$py" "$here/make_tree.py" "$tree"; }
else
  tree="$work/tree"
  mkdir -p "$tree"
  echo "bench_hash: generating the tree in $tree ..." >&2
  "$py" "$here/make_tree.py" "$tree"
fi
files=$(find "$tree" -type f | wc -l)
bytes=$(du -sb "$tree" | cut -f1)
echo "bench_hash: $files files, $((bytes / 1000000)) MB; $(nproc) cores" >&2
find "$tree" -type f -print0 | xargs -0 cat >/dev/null  # page cache warm

# One timed run of "$@" in $tree: appends "elapsed cpu rss_kb" to $work/$label.
time_once() {
  local label=$1 e m u s
  shift
  (cd "$tree" && /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/stderr") || {
    cat "$work/stderr" >&2
    echo "bench_hash: command failed: $*" >&2
    exit 1
  }
  read -r e m u s <"$work/time"
  echo "$e $(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}') $m" >>"$work/$label"
  rm -rf "$tree"/.hallmark "$tree"/s.*.link
}
median() { cut -d' ' -f"$2" "$work/$1" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
max_rss() { cut -d' ' -f3 "$work/$1" | sort -g | tail -1; }

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
b_cmd=(bash -c 'find . -type f -print0 | xargs -0 -P"$(nproc)" -n 2000 openssl dgst -sha256')
do_c=""
if [[ -z "${BENCH_SKIP_INTOTO:-}" ]] && command -v in-toto-run >/dev/null; then
  in-toto-keygen -t ed25519 "$work/K" >/dev/null
  do_c=1
fi
c_cmd=(in-toto-run -n s --materials . --products . --key "$work/K" --key-type ed25519 -- true)

# Round-robin, so that a change in machine load during the benchmark hits all three alike.
for ((i = 0; i < runs; i++)); do
  time_once a "${a_cmd[@]}"
  time_once b "${b_cmd[@]}"
  [[ -n "$do_c" ]] && time_once c "${c_cmd[@]}"
done
[[ "${a_cmd[0]}" == "$walk_bench" ]] && (cd "$tree" && "$walk_bench" . 2>&1 | sed 's/^/  /' >&2)
a=$(median a 1) a_cpu=$(median a 2) a_rss=$(max_rss a)
b=$(median b 1) b_cpu=$(median b 2)
c="" c_cpu=""
[[ -n "$do_c" ]] && { c=$(median c 1); c_cpu=$(median c 2); }

echo "median of $runs runs, $files files / $((bytes / 1000000)) MB, $(nproc) cores:"
echo "  (a) $a_label: ${a} s (cpu ${a_cpu} s), peak RSS $((a_rss / 1024)) MB (bar <= 64 MB)"
echo "  (b) find | xargs -P$(nproc) openssl dgst -sha256: ${b} s (cpu ${b_cpu} s)"
[[ -n "$c" ]] && echo "  (c) in-toto-run --materials . --products .: ${c} s (cpu ${c_cpu} s)"
awk -v a="$a" -v b="$b" 'BEGIN {printf "  (a)/(b) = %.2f (bar <= 1.0)\n", a / b}'
[[ -n "$c" ]] && awk -v a="$a" -v c="$c" 'BEGIN {printf "  (c)/(a) = %.1f (bar >= 8)\n", c / a}'
# CPU seconds do not depend on what else the machine runs; wall-clock ratios do.
awk -v a="$a_cpu" -v b="$b_cpu" 'BEGIN {printf "  cpu (a)/(b) = %.2f\n", a / b}'
[[ -n "$c" ]] && awk -v a="$a_cpu" -v c="$c_cpu" 'BEGIN {printf "  cpu (c)/(a) = %.1f\n", c / a}'
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit 0
