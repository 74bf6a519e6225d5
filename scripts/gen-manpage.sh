#!/usr/bin/env bash
# Generates the man page netconv.1 from the help texts at build time, so it cannot drift from
# them: help2man turns `netconv --help` into NAME, SYNOPSIS and DESCRIPTION; every subcommand's
# `netconv COMMAND --help` becomes a subsection of COMMANDS (usage, description, one .TP per option);
# ENVIRONMENT, FILES and SEE ALSO come from packaging/netconv.1.include. The date is the build's, or
# $SOURCE_DATE_EPOCH's when set (reproducible builds).
# Usage: scripts/gen-manpage.sh NETCONV VERSION OUT.1
set -euo pipefail
netconv=$1 version=$2 out=$3
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# roff-escape one help text: backslashes, leading dots and quotes, hyphens in option names.
# Boost.Program_options lays options out as "  -o [ --output ] arg   description", descriptions
# wrapped onto lines indented past the option column.
help_to_roff() {
  awk '
    function esc(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); return s }
    function text(s) { gsub(/\\/, "\\e", s); sub(/^[.'"'"']/, "\\\\\\&&", s); return s }
    /^  -/ {
      line = substr($0, 3); opt = line; desc = ""
      if (match(line, /   +/)) { opt = substr(line, 1, RSTART - 1); desc = substr(line, RSTART + RLENGTH) }
      print ".TP"; print "\\fB" esc(opt) "\\fR"
      if (desc != "") print text(desc)
      inopt = 1; next
    }
    inopt && /^      +[^ ]/ { sub(/^ +/, ""); print text($0); next }
    /^$/ { inopt = 0; print ".PP"; next }
    /^Options:$/ { inopt = 0; print ".PP"; print "Options:"; next }
    { inopt = 0; print text($0) }
  '
}

commands=$("$netconv" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[[ -n $commands ]] || { echo "gen-manpage.sh: no commands in '$netconv --help'" >&2; exit 1; }
{
  echo "[COMMANDS]"
  for c in $commands; do
    # the whole text first: a reader that stops early (head) would kill netconv with SIGPIPE
    help=$("$netconv" "$c" --help)
    usage=$(sed -n '1s/^Usage: //p' <<<"$help")
    echo ".SS \"$(sed 's/\\/\\e/g; s/-/\\-/g; s/"/\\(dq/g' <<<"$usage")\""
    tail -n +2 <<<"$help" | help_to_roff
  done
  cat "$root/packaging/netconv.1.include"
} > "$work/include"

help2man --no-info --no-discard-stderr --version-string="$version" \
  --name="convert neuroendocrine tumor registry data to FHIR R4 and C-CDA 2.1" \
  --include="$work/include" --output="$work/netconv.1" "$netconv"
mv "$work/netconv.1" "$out"
