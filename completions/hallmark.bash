# bash completion for hallmark (installed as /usr/share/bash-completion/completions/hallmark).
# Subcommands and options are read from `hallmark [COMMAND...] --help` while completing, so this
# file cannot fall behind the binary it completes.

# _hallmark_help subcommands|options CMD...: the words of that section of CMD's --help.
_hallmark_help() {
  local kind=$1
  shift
  "$@" --help 2>/dev/null | awk -v kind="$kind" '
    /^[A-Za-z]+:$/ { section = $0; next }
    kind == "subcommands" && section == "Subcommands:" && /^  [a-z]/ { print $1 }
    kind == "options" && section == "Options:" && /^  -/ { n = split($1, f, ","); for (i = 1; i <= n; i++) print f[i] }'
}

_hallmark() {
  local cur=${COMP_WORDS[COMP_CWORD]} i w
  local -a cmd=("${COMP_WORDS[0]}")
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [ "$w" = -- ]; then
      # hallmark run ... -- CMD ARGS: a command name first, then whatever that command takes.
      ((i + 1 == COMP_CWORD)) && mapfile -t COMPREPLY < <(compgen -c -- "$cur")
      return
    fi
    [[ $w == -* ]] && continue
    _hallmark_help subcommands "${cmd[@]}" | grep -qxF -- "$w" && cmd+=("$w")
  done
  local words
  if [[ $cur == -* ]]; then
    words=$(_hallmark_help options "${cmd[@]}")
  else
    words=$(_hallmark_help subcommands "${cmd[@]}")
  fi
  # No subcommands left: an option's value or a positional, completed as a file name (-o default).
  [ -n "$words" ] && mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
  return 0
}
complete -o bashdefault -o default -F _hallmark hallmark
