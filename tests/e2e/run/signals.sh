# SIGTERM/SIGINT/SIGHUP sent to hallmark reach the wrapped command exactly once.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
# Job control: background jobs of a non-interactive shell start with SIGINT ignored, and an
# ignored-at-entry signal stays ignored for the child (as it would without hallmark): a POSIX
# shell cannot even trap it. A runner started under nohup ignores SIGHUP the same way, so each
# hallmark starts with every signal at its default (env --default-signal).
set -m

for sig in TERM INT HUP; do
  rm -f got ready
  env --default-signal "$HM" run -q -- sh -c "trap 'echo \$((\$(cat got 2>/dev/null || echo 0)+1)) >got; exit 7' $sig; touch ready; i=0; while [ \$i -lt 400 ]; do sleep 0.05; i=\$((i+1)); done; exit 99" &
  pid=$!
  for _ in $(seq 100); do [ -f ready ] && break; sleep 0.05; done
  [ -f ready ] || fail "child did not start"
  kill -$sig $pid
  rc=0
  wait $pid || rc=$?
  expect_eq "$rc" 7 "exit status after SIG$sig"
  expect_eq "$(cat got)" 1 "SIG$sig delivered once"
done

# A child that does not handle the signal dies of it: 128+N.
rm -f ready
"$HM" run -q -- sh -c 'touch ready; exec sleep 30' &
pid=$!
for _ in $(seq 100); do [ -f ready ] && break; sleep 0.05; done
sleep 0.2
kill -TERM $pid
rc=0
wait $pid || rc=$?
expect_eq "$rc" 143 "child killed by forwarded SIGTERM"
pass "signal forwarding"
