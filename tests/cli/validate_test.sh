#!/usr/bin/env bash
# `netconv validate`: exit codes, output folders, extensions, R4 grammars, CDA diagnostics (issue J
# §7, §8). Usage: validate_test.sh NETCONV ROOT
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0 passes=0
check() { # name expected actual
  if [[ $2 == "$3" ]]; then passes=$((passes + 1)); else echo "FAIL: $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}
sample=$root/samples/01-ileal-net-carcinoid-syndrome
patients=$sample/expected/fhir/Patient.ndjson

# a missing input is an I/O error (3), as in every command; the other inputs are still reported
"$netconv" validate /nonexistent.json > "$work/out.txt" 2>&1; check "missing file exits 3" 3 $?
"$netconv" validate "$patients" "$work/nope.ndjson" > "$work/out.txt" 2>&1; check "missing beside a good file exits 3" 3 $?
grep -q "^ok .*Patient.ndjson" "$work/out.txt"; check "the good file is still validated" 0 $?

# .jsonl is NDJSON, as convert reads it
cp "$patients" "$work/p.jsonl"
"$netconv" validate -q "$work/p.jsonl" > "$work/out.txt" 2>&1; check "validate p.jsonl exits 0" 0 $?
check "every line of p.jsonl validated" "$(wc -l < "$patients") passed, 0 failed" "$(tail -1 "$work/out.txt")"

# a clean run's output folder passes: its data files are validated, report.json and the empty
# rejects.ndjson are not
"$netconv" convert --quiet --to fhir,cda -o "$work/out" "$sample/input.csv" > /dev/null 2>&1; check "sample converts" 0 $?
check "the run's rejects.ndjson is empty" 0 "$(wc -c < "$work/out/rejects.ndjson")"
"$netconv" validate -q "$work/out" > "$work/out.txt" 2>&1; check "validate OUT of a clean run exits 0" 0 $?
grep -q "report.json\|rejects.ndjson" "$work/out.txt"; check "report.json and rejects.ndjson not validated" 1 $?
data=$(( $(cat "$work"/out/fhir/*.ndjson | wc -l) + $(find "$work/out/cda" "$work/out/cda-entries" -name '*.xml' 2>/dev/null | wc -l) ))
check "every data file of OUT validated" "$data passed, 0 failed" "$(tail -1 "$work/out.txt")"
# ... but a broken data file in it still fails
printf '{"resourceType":"Patient","bogus":1}\n' >> "$work/out/fhir/Patient.ndjson"
"$netconv" validate -q "$work/out" > /dev/null 2>&1; check "a bad resource in OUT fails" 1 $?

echo "validate_test: $passes passed, $fails failed"
[[ $fails == 0 ]]
