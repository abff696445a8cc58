# hallmark run passes the command's exit status, signals and stdin through untouched.
source "$HALLMARK_SRC/tests/e2e/lib.sh"

expect_eq "$(status "$HM" run -q -- true)" 0 "exit 0"
expect_eq "$(status "$HM" run -q -- false)" 1 "exit 1"
expect_eq "$(status "$HM" run -q -- sh -c 'exit 42')" 42 "exit 42"
expect_eq "$(status "$HM" run -q -- sh -c 'kill -TERM $$')" 143 "killed by SIGTERM"
expect_eq "$(status "$HM" run -q -- sh -c 'kill -KILL $$')" 137 "killed by SIGKILL"

# Not found: 127 and exactly one hallmark line naming the command.
rc=$(status "$HM" run -q -- no-such-command-xyz 2>err.txt)
expect_eq "$rc" 127 "command not found"
expect_eq "$(wc -l <err.txt)" 1 "one line for not found"
expect_contains err.txt "hallmark: no-such-command-xyz: command not found"

# Not executable: 126.
printf 'echo hi\n' >notexec.sh
chmod 644 notexec.sh
rc=$(status "$HM" run -q -- ./notexec.sh 2>err.txt)
expect_eq "$rc" 126 "not executable"
expect_contains err.txt "hallmark: ./notexec.sh: cannot execute"

# Executable without "#!": execve refuses it (ENOEXEC); the shell, execvp and env run it with
# /bin/sh, and so does hallmark, traced or not.
printf 'echo "ran $1"; exit 5\n' >noshebang
chmod 755 noshebang
expect_eq "$(status sh -c './noshebang x >/dev/null')" 5 "the shell runs it"
rc=0; "$HM" run -q -- ./noshebang x >out.txt || rc=$?
expect_eq "$rc" 5 "hallmark runs it like the shell"
expect_eq "$(cat out.txt)" "ran x" "with its arguments"
rc=0; "$HM" run -q --trace -- ./noshebang x >out.txt || rc=$?
expect_eq "$rc" 5 "traced too"
expect_eq "$(cat out.txt)" "ran x" "traced, with its arguments"

# Failed and killed steps are recorded like any other.
"$HM" steps --json >steps.json
expect_eq "$(jget steps.json 'len(j["steps"])')" 9 "every step recorded"
expect_eq "$(jget steps.json '[s["exit_code"] for s in j["steps"] if s["signal"]==15][0]')" 143 "signal step recorded"

# stdout/stderr and stdin pass through byte for byte.
printf 'line1\nline2\0bin\n' >in.bin
"$HM" run -q -- cat <in.bin >out.bin
cmp in.bin out.bin || fail "stdin/stdout not passed through"
"$HM" run -q -- sh -c 'echo to-err >&2' 2>err.txt >/dev/null
expect_eq "$(cat err.txt)" "to-err" "stderr passed through, hallmark quiet with -q"

# Without -q, hallmark adds exactly one summary line on stderr and nothing on stdout (once the
# step has a baseline: its first run also says "no baseline yet", docs/detection.md).
"$HM" run -- echo hello >out.txt 2>err.txt
expect_contains err.txt "no baseline yet for step 'echo'"
"$HM" run -- echo hello >out.txt 2>err.txt
expect_eq "$(cat out.txt)" "hello" "stdout untouched"
expect_eq "$(wc -l <err.txt)" 1 "one summary line"
expect_contains err.txt "hallmark: step 'echo' exit 0"

# A TTY stays a TTY (script(1) is in bsdutils, which every Debian has).
script -qec "$HM run -q -- test -t 1" /dev/null >/dev/null || fail "stdout is not a TTY for the child"
pass "exit statuses, not found, passthrough"
