#!/usr/bin/env bash
# Generates netconv's bash completion from the help texts at build time, so a new command or option
# is completed as soon as its --help names it: the commands from `netconv --help`, each command's
# options from `netconv COMMAND --help` (Boost.Program_options' layout: "  -o [ --output ] arg").
# Options that take a value ("arg") complete file names after them; so does any non-option word.
# Usage: scripts/gen-completion.sh NETCONV OUT
set -euo pipefail
netconv=$1 out=$2
commands=$("$netconv" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[[ -n $commands ]] || { echo "gen-completion.sh: no commands in '$netconv --help'" >&2; exit 1; }

# "all options|options taking a value" of one command, each list space-separated
options_of() {
  "$netconv" "$1" --help | awk '
    /^  -/ {
      line = substr($0, 3); opt = line
      if (match(line, /   +/)) opt = substr(line, 1, RSTART - 1)
      takes = opt ~ / arg( |$)/
      n = split(opt, w, /[ \[\]]+/)
      for (i = 1; i <= n; i++) if (w[i] ~ /^-/) { all = all " " w[i]; if (takes) val = val " " w[i] }
    }
    END { sub(/^ /, "", all); sub(/^ /, "", val); print all "|" val }'
}

{
  echo "# bash completion for netconv, generated from its help texts by scripts/gen-completion.sh;"
  echo "# do not edit (rebuild instead). Installed as share/bash-completion/completions/netconv."
  echo "_netconv() {"
  echo "  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} opts= takes="
  echo "  COMPREPLY=()"
  echo "  if ((COMP_CWORD == 1)); then"
  echo "    mapfile -t COMPREPLY < <(compgen -W \"$(echo $commands) --help --version\" -- \"\$cur\")"
  echo "    return"
  echo "  fi"
  echo "  case \${COMP_WORDS[1]} in"
  for c in $commands; do
    IFS='|' read -r all takes <<<"$(options_of "$c")"
    echo "    $c) opts=\"$all\" takes=\"$takes\" ;;"
  done
  echo "    *) return ;;"
  echo "  esac"
  echo "  # after an option that takes a value: file names (complete -o default)"
  echo "  [[ \" \$takes \" == *\" \$prev \"* ]] && return"
  echo "  if [[ \$cur == -* ]]; then mapfile -t COMPREPLY < <(compgen -W \"\$opts\" -- \"\$cur\"); fi"
  echo "}"
  echo "complete -o default -F _netconv netconv"
} > "$out"
