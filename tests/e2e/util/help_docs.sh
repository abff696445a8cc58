# Issue 20 §4: the docs cannot drift from the binary. For every subcommand `hallmark --help`
# lists, and every sub-subcommand each of those lists (`telemetry close`), every long flag its
# `--help` prints must appear in README.md or docs/*.md (and docs/hallmark.1 once it exists).
# Subcommands and flags are read from the binary, so new ones are checked without editing this.
source "$HALLMARK_SRC/tests/e2e/lib.sh"

DOCS=("$HALLMARK_SRC/README.md" "$HALLMARK_SRC"/docs/*.md)
[ -f "$HALLMARK_SRC/docs/hallmark.1" ] && DOCS+=("$HALLMARK_SRC/docs/hallmark.1")

# The names under "Subcommands:" in a --help text.
subcommands_of() {
  awk '/^Subcommands:/ {on=1; next} on && /^[^ ]/ {on=0} on && /^  [a-z]/ {print $1}'
}
# Long flags of a --help text, without the global --help/--version.
flags_of() {
  grep -oE -- '--[a-z][a-z0-9-]*' | grep -vxE -- '--(help|version)' | sort -u
}

commands=$("$HM" --help | subcommands_of)
[ -n "$commands" ] || fail "hallmark --help lists no subcommands"
checked=0 missing=()
check_command() {  # check_command WORDS...
  local help flag
  help=$("$HM" "$@" --help) || fail "hallmark $* --help failed"
  for flag in $(printf '%s\n' "$help" | flags_of); do
    checked=$((checked + 1))
    # The flag as a whole word: --sign must not be found inside --signature.
    grep -qE -- "${flag}([^a-z0-9-]|$)" "${DOCS[@]}" || missing+=("hallmark $* $flag")
  done
  local sub
  for sub in $(printf '%s\n' "$help" | subcommands_of); do check_command "$@" "$sub"; done
}
for c in $commands; do check_command "$c"; done
[ "$checked" -gt 20 ] || fail "only $checked flags found: is the --help format still parsed?"
if [ ${#missing[@]} -gt 0 ]; then
  printf 'undocumented: %s\n' "${missing[@]}" >&2
  fail "${#missing[@]} flags in --help appear in no doc (README.md, docs/*.md)"
fi
pass "$checked flags of $(echo $commands | wc -w) subcommands all documented"
