#!/usr/bin/env bash
# The bash completion and the man page name every command of `netconv --help` and every option of
# each `netconv COMMAND --help`, so neither falls behind a new option. Options are read from the
# help texts here independently of the generators (scripts/gen-completion.sh, gen-manpage.sh), and
# the completion is exercised as bash runs it (COMP_WORDS/COMP_CWORD -> COMPREPLY).
# Usage: completion_manpage_test.sh NETCONV COMPLETION MANPAGE ("" = help2man missing: skip it)
set -uo pipefail
netconv=$1 completion=$2 manpage=$3
source "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC1090
source "$completion" || { echo "FAIL: $completion does not source"; exit 1; }
complete_words() { # words... (the last is the one being completed); prints COMPREPLY one a line
  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
  _netconv
  printf '%s\n' "${COMPREPLY[@]}"
}
commands=$("$netconv" --help | sed -n '/^Commands:/,/^$/p' | grep -oE '^  [a-z][a-z-]*' | tr -d ' ')
check "the help lists commands" 1 "$([[ -n $commands ]] && echo 1)"
for c in $commands; do
  complete_words netconv "${c:0:2}" > "$work/c.txt"
  has "command completes: $c" "$work/c.txt" "^$c$"
  # every option token of the command's help, short and long
  "$netconv" "$c" --help | grep -E '^  -' | grep -oE -- '(^|[ [])--?[A-Za-z0-9][A-Za-z0-9-]*' | tr -d ' [' | sort -u > "$work/opts.txt"
  check "$c --help lists options" 1 "$([[ -s $work/opts.txt ]] && echo 1)"
  complete_words netconv "$c" - > "$work/all.txt"
  while read -r opt; do
    has "$c: '-' completes $opt" "$work/all.txt" "^$opt$"
    complete_words netconv "$c" "${opt:0:${#opt}-1}" > "$work/one.txt"
    has "$c: a prefix of $opt completes it" "$work/one.txt" "^$opt$"
    if [[ -n $manpage ]]; then
      esc=${opt//-/\\\\-}
      has "man page names $c $opt" "$manpage" "$esc([^A-Za-z0-9]|$)"
    fi
  done < "$work/opts.txt"
  if [[ -n $manpage ]]; then has "man page has a subsection for $c" "$manpage" "^\.SS \"netconv ${c//-/\\\\-}( |\")"; fi
done
# after an option that takes a value nothing is offered (bash completes file names: -o default)
check "no options after --mappings" "" "$(complete_words netconv convert --mappings --)"
complete_words netconv convert -o out --qu > "$work/q.txt"
has "options again after the value" "$work/q.txt" "^--quiet$"

if [[ -n $manpage ]]; then
  groff -man -Tutf8 -ww -z "$manpage" 2> "$work/groff.txt"
  check "groff finds nothing to warn about" "" "$(cat "$work/groff.txt")"
fi
echo "completion/man page test: $passes passed, $fails failed"
((fails == 0)) || exit 1
# the completion passed; without help2man there is no man page to check: skipped, not passed
[[ -n $manpage ]] || { echo "skipped: the man page (help2man was missing when the build was configured)"; exit 77; }
