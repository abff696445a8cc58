# The bash and zsh completions (completions/) offer what the binary's --help lists: every
# subcommand, nested ones, each subcommand's options, and a command name after `run ... --`.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
mkdir bin && ln -s "$HM" bin/hallmark
export PATH=$T/bin:$PATH
subcommands=$("$HM" --help | sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | sort | tr '\n' ' ')
[ -n "$subcommands" ] || fail "no subcommands in hallmark --help"

bash_complete() {  # WORD... (the last one is being completed): prints the candidates, sorted
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hallmark
           printf "%s\n" "${COMPREPLY[@]}" | sort -u | tr "\n" " "' _ "$HALLMARK_SRC/completions/hallmark.bash" "$@"
}
zsh_complete() {  # WORD...: the candidates zsh would offer (_describe and friends stubbed out)
  zsh -fc '
    _describe() { print -l -- "${(@P)${@[-1]}}" }
    _files() { print "<files>" }
    _command_names() { print "<commands>" }
    file=$1; shift; words=("$@"); CURRENT=$#; PREFIX=${words[-1]}
    source "$file" | while IFS= read -r l; do [[ $l == ${PREFIX}* || $l == "<"* ]] && print -r -- "${l%%:*}"; done | sort -u | tr "\n" " "' \
    _ "$HALLMARK_SRC/completions/_hallmark" "$@"
}

for shell in bash zsh; do
  c=${shell}_complete
  expect_eq "$($c hallmark '')" "$subcommands" "$shell: subcommands of hallmark --help"
  expect_eq "$($c hallmark tel)" "telemetry " "$shell: hallmark tel"
  expect_eq "$($c hallmark telemetry fl)" "flush " "$shell: nested subcommand"
  expect_eq "$($c hallmark telemetry flush --dead)" "--deadline " "$shell: nested subcommand's option"
  expect_eq "$($c hallmark run --step build --respect-g)" "--respect-gitignore " "$shell: run option"
  expect_eq "$($c hallmark sbom --inc)" "--include-dev --include-vendored " "$shell: sbom options"
  pass "$shell completes subcommands and options from --help"
done
[[ " $(bash_complete hallmark run -- bas) " == *" bash "* ]] || fail "bash: no command name after run --"
expect_eq "$(zsh_complete hallmark run -q -- bas)" "<commands> " "zsh: command name after run --"
expect_eq "$(zsh_complete hallmark sbom -o x)" "<files> " "zsh: a file name as an option's value"
pass "a command name after 'run --', file names for values"
