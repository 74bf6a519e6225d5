#!/usr/bin/env bash
# `netconv validate`: exit codes, output folders, extensions, R4 grammars, CDA diagnostics (issue J
# §7, §8). Usage: validate_test.sh NETCONV ROOT
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
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
# a killed run's staging folder and an interrupted run's counts are not the completed run's data
mkdir -p "$work/out/.netconv-run/fhir"
printf '{"resourceType":"Patient","bogus":1}\n' > "$work/out/.netconv-run/fhir/Patient.ndjson"
printf '{"read":3}\n' > "$work/out/report.interrupted.json"
"$netconv" validate -q "$work/out" > "$work/out.txt" 2>&1; check "validate OUT skips .netconv-run/ and report.interrupted.json" 0 $?
check "only the completed run's data validated" "$data passed, 0 failed" "$(tail -1 "$work/out.txt")"
# ... but a broken data file in it still fails
printf '{"resourceType":"Patient","bogus":1}\n' >> "$work/out/fhir/Patient.ndjson"
"$netconv" validate -q "$work/out" > /dev/null 2>&1; check "a bad resource in OUT fails" 1 $?

# R4 string grammar: a control character in an identifier value fails, with and without the
# validation cache (the cache's byte templates must re-check the value with the same grammar);
# 30 good Patients first, so that the bad ones are answered by the memo and the templates
for k in $(seq 1 30); do sed "1!d; s/\"value\":\"NET-0001\"/\"value\":\"NET-$k\"/" "$patients"; done > "$work/ctl.ndjson"
head -1 "$patients" | sed 's/"value":"NET-0001"/"value":"CTL\\u0001A"/' >> "$work/ctl.ndjson"
head -1 "$patients" | sed 's/"value":"NET-0001"/"value":"NUL\\u0000"/' >> "$work/ctl.ndjson"
head -1 "$patients" | sed 's/"value":"NET-0001"/"value":"TAB\\tok"/' >> "$work/ctl.ndjson"
for cache in "" --no-validation-cache; do
  "$netconv" validate -q $cache "$work/ctl.ndjson" > "$work/out.txt" 2>&1; check "control characters fail $cache" 1 $?
  check "two Patients fail $cache" "31 passed, 2 failed" "$(tail -1 "$work/out.txt")"
  check "the failures name the value $cache" 2 "$(grep -c 'identifier\[0\].value: string .*control character' "$work/out.txt")"
  check "no raw control byte in the report $cache" 0 "$(tr -d '\n\t' < "$work/out.txt" | LC_ALL=C grep -c '[[:cntrl:]]')"
done

# CDA: one real schema error is reported once, as xmllint does; the located re-check used to add
# "QName value 'CD' ... does not resolve" / "type definition is abstract" on valid elements after it
doc=$(ls "$sample"/expected/cda/*.xml | head -1)
python3 - "$doc" "$work/one-error.xml" "$work/sjis.xml" <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
i = s.index("<value xsi:type")  # before an entry's coded value: later entries carry xsi:type too
open(sys.argv[2], "w", encoding="utf-8").write(s[:i] + "<bogusElement/>" + s[i:])
b = s.replace('encoding="UTF-8"', 'encoding="SHIFT_JIS"', 1).encode()
j = b.index(b"<title>") + 7
open(sys.argv[3], "wb").write(b[:j] + b"\xff\x53\x45\x43" + b[j:])
PY
for cache in "" --no-validation-cache; do
  "$netconv" validate $cache "$work/one-error.xml" "$doc" > "$work/out.txt" 2> "$work/err.txt"; check "one CDA error fails $cache" 1 $?
  check "one CDA error, one diagnostic $cache" 1 "$(grep -c 'error \[NC-CDA' "$work/out.txt")"
  grep -q "bogusElement" "$work/out.txt"; check "the real error is the one reported $cache" 0 $?
  check "the valid document still passes after it $cache" "1 passed, 1 failed" "$(tail -1 "$work/out.txt")"
done
# a bad byte in the declared encoding: coded, located, without the input's bytes, nothing on stderr
"$netconv" validate "$work/sjis.xml" > "$work/out.txt" 2> "$work/err.txt"; check "bad encoding fails" 1 $?
grep -qi "0xff\|0x53 0x45" "$work/out.txt" "$work/err.txt"; check "no input bytes in the diagnostics" 1 $?
check "nothing escapes to stderr" 0 "$(wc -c < "$work/err.txt")"
check "every diagnostic coded and located" 0 "$(grep ' error ' "$work/out.txt" | grep -vc 'sjis.xml:[1-9][0-9]*: error \[NC-CDA-00[12]\]')"

echo "validate_test: $passes passed, $fails failed"
[[ $fails == 0 ]]
