# hallmark(1) (docs/hallmark.1) cannot drift from --help: every subcommand found in `hallmark
# --help` has its section and every long option of its --help appears there, and the page
# formats without a groff warning. The checker must also catch each kind of drift.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
MAN=$HALLMARK_SRC/docs/hallmark.1
CHECK=$HALLMARK_SRC/tests/e2e/dist/check_man_page.py

$PY "$CHECK" "$HM" "$MAN" >check.out || { cat check.out; fail "docs/hallmark.1 has drifted from --help (above)"; }
pass "man page matches --help of every subcommand"

groff -man -ww -z "$MAN" 2>groff.err
[ ! -s groff.err ] || { cat groff.err; fail "groff warns about docs/hallmark.1"; }
pass "man page formats without warnings"

# Drift the checker must catch: an option left out, a section missing, an option that is gone.
drift() {  # SED-EXPR EXPECTED-LINE
  sed "$1" "$MAN" >drifted.1
  cmp -s drifted.1 "$MAN" && fail "sed '$1' changed nothing in the man page"
  local rc=0
  $PY "$CHECK" "$HM" drifted.1 >drift.out || rc=$?
  expect_eq "$rc" 1 "checker exit status on '$1'"
  expect_contains drift.out "$2"
}
drift 's/\\-\\-respect\\-gitignore/respect gitignore/' "section 'HALLMARK RUN' lacks --respect-gitignore"
drift 's/^\.SH "HALLMARK STEPS"/.SH "STEPS"/' "no section 'HALLMARK STEPS' for \`hallmark steps\`"
drift 's/^\.SS "hallmark telemetry flush"/.SS "flush"/' "no section 'hallmark telemetry flush'"
drift 's/^\.B \\-\\-include\\-dev$/.B \\-\\-include\\-dev\\-gone/' "section 'HALLMARK SBOM' documents --include-dev-gone"
drift 's/^\.SH "HALLMARK KEYGEN"/.SH "HALLMARK KEYGONE"/' "section 'HALLMARK KEYGONE' names no command"
pass "the checker catches a missing option, a missing section, a stale option and a stale section"
