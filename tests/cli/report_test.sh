#!/usr/bin/env bash
# netconv report and the report.html of every run: exit codes, the page drawn again from the run
# folder is the page the run wrote, record keys only with --show-values, an HTML check (tidy)
# with no warnings, nothing fetched, and a run that does not complete keeps the previous page.
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/assert.sh"

s09=$root/samples/09-rejected-code-and-value-errors
(cd "$s09" && "$netconv" convert --no-progress -q -o "$work/r" input.csv 2>/dev/null)
check "convert writes report.html" yes "$( [[ -s $work/r/report.html ]] && echo yes)"
cp "$work/r/report.html" "$work/first.html"

# drawn again: the same bytes (timing included: it comes from the same report.json)
"$netconv" report -o "$work/again.html" "$work/r"; check "report -o: exit 0" 0 $?
cmp -s "$work/first.html" "$work/again.html"; check "report draws the same page" 0 $?
rm "$work/r/report.html"
"$netconv" report "$work/r"; check "report DIR: exit 0" 0 $?
cmp -s "$work/first.html" "$work/r/report.html"; check "report DIR rewrites DIR/report.html" 0 $?
check "no temporary left" "" "$(ls -A "$work/r" | grep netconv)"
"$netconv" report -o - "$work/r" > "$work/stdout.html"; check "report -o -: exit 0" 0 $?
cmp -s "$work/first.html" "$work/stdout.html"; check "report -o - writes the page" 0 $?

# patient identifiers: absent without --show-values, present with it
grep -q "NET-08" "$work/first.html"; check "no record key without --show-values" 1 $?
"$netconv" report --show-values -o "$work/shown.html" "$work/r"
grep -q "NET-0801/1" "$work/shown.html"; check "record keys with --show-values" 0 $?
(cd "$s09" && "$netconv" convert --show-values --no-progress -q -o "$work/rs" input.csv 2>/dev/null)
grep -q "NET-0801/1" "$work/rs/report.html"; check "convert --show-values: record keys in the page" 0 $?

# exit codes: 2 usage, 3 a run folder that cannot be read
"$netconv" report 2>/dev/null; check "no folder: exit 2" 2 $?
"$netconv" report --bogus "$work/r" 2>/dev/null; check "unknown option: exit 2" 2 $?
"$netconv" report "$work/nothing" 2>/dev/null; check "missing folder: exit 3" 3 $?
mkdir "$work/bad" && echo "not json" > "$work/bad/report.json" && : > "$work/bad/rejects.ndjson"
"$netconv" report "$work/bad" 2> "$work/bad.err"; check "broken report.json: exit 3" 3 $?
has "broken report.json: named" "$work/bad.err" "report.json"
"$netconv" report --help > /dev/null; check "report --help: exit 0" 0 $?

# a run that fails (a missing second input) keeps the previous completed run's page
(cd "$s09" && "$netconv" convert --no-progress -q -o "$work/r" input.csv /nonexistent.csv 2>/dev/null)
check "failed run: exit 3" 3 $?
cmp -s "$work/first.html" "$work/r/report.html"; check "failed run keeps the previous page" 0 $?

# every sample's page, as a run writes it: nothing fetched, and tidy (HTML5) finds nothing to say
for sample in "$root"/samples/*/; do
  name=$(basename "$sample")
  input=$(ls "$sample"/input.* | head -n 1)
  args=()
  [[ -f $sample/args ]] && mapfile -t args < "$sample/args"
  (cd "$sample" && "$netconv" convert --to fhir,cda "${args[@]}" --no-progress -q -o "$work/s-$name" "$(basename "$input")" 2>/dev/null)
  page=$work/s-$name/report.html
  check "$name: nothing fetched" "" "$(grep -Eo '(src|href)=|https?://|<script|url\(' "$page" | head -1)"
  if command -v tidy > /dev/null; then
    check "$name: tidy finds no problem" "" "$(tidy -e -q "$page" 2>&1)"
  fi
done
command -v tidy > /dev/null || echo "note: tidy missing (scripts/install-deps.sh --test installs it): HTML check skipped"

echo "report: $passes passed, $fails failed"
exit $((fails > 0))
