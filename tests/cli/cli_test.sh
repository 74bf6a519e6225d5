#!/usr/bin/env bash
# CLI contract: exit codes, help, version, stdin, determinism, temp-file hygiene, PHI-free stderr.
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
sample=$root/samples/01-ileal-net-carcinoid-syndrome/input.csv

"$netconv" --version > "$work/v.txt"; check "--version exits 0" 0 $?
grep -q '^netconv [0-9]' "$work/v.txt"; check "--version prints the version" 0 $?
"$netconv" convert --help > /dev/null; check "convert --help exits 0" 0 $?
"$netconv" > /dev/null 2>&1; check "no command is a usage error" 2 $?
"$netconv" frobnicate > /dev/null 2>&1; check "unknown command" 2 $?
"$netconv" convert --bogus x > /dev/null 2>&1; check "unknown option" 2 $?
"$netconv" convert > /dev/null 2>&1; check "no input" 2 $?
"$netconv" convert --fhir-layout weird -o "$work/o" "$sample" > /dev/null 2>&1; check "bad layout" 2 $?
"$netconv" convert --to pdf -o "$work/o" "$sample" > /dev/null 2>&1; check "bad format" 2 $?
"$netconv" convert --icd10cm-edition latest -o "$work/o" "$sample" > /dev/null 2>&1; check "bad ICD-10-CM edition" 2 $?
# ICD-10-CM by date: sample 01's carcinoid syndromes (diagnosed 2019-2021) are E34.0; the current edition says E34.00
"$netconv" convert --quiet -o "$work/dated" "$sample"
check "carcinoid syndrome before FY2025 is E34.0" 0 "$(grep -c '"code":"E34.00"' "$work/dated/fhir/Condition.ndjson")"
"$netconv" convert --quiet --icd10cm-edition current -o "$work/current" "$sample"
check "--icd10cm-edition current sends E34.00" 0 "$(grep -c '"code":"E34.0"' "$work/current/fhir/Condition.ndjson")"
"$netconv" convert -o "$work/o" "$work/does-not-exist.csv" > /dev/null 2>&1; check "missing input is an I/O error" 3 $?
"$netconv" convert --mappings "$work/nowhere" -o "$work/o" "$sample" > /dev/null 2>&1; check "missing tables stop the run" 2 $?

# broken mapping table: exit 2 with file:line
cp -r "$root/mappings" "$work/maps"
printf 'symptom.x\tcode\tsct\t443492009\tX\tsrc\tyes\t\n' >> "$work/maps/concepts.tsv"
"$netconv" convert --mappings "$work/maps" -o "$work/o" "$sample" 2> "$work/err.txt" > /dev/null
check "broken table exit code" 2 $?
grep -q "concepts.tsv:$(wc -l < "$work/maps/concepts.tsv")" "$work/err.txt"; check "broken table names file:line" 0 $?

# stdin, and byte-identical reruns
"$netconv" convert --quiet -o "$work/a" "$sample"; check "sample converts" 0 $?
"$netconv" convert --quiet -o "$work/b" - < "$sample"; check "stdin converts" 0 $?
diff -r "$work/a/fhir" "$work/b/fhir" > /dev/null; check "stdin output equals file output" 0 $?
"$netconv" convert --quiet -o "$work/a" "$sample"
diff -r "$work/a/fhir" "$work/b/fhir" > /dev/null; check "rerun into the same folder is identical" 0 $?

# stdin has no extension: its format is told from its first bytes, as the help says
"$netconv" convert --help > "$work/help.txt"; grep -q 'by content - a NaaccrData' "$work/help.txt"; check "convert --help says inputs are sniffed" 0 $?
for case in naaccr-01-registry-export-v25/input.xml 13-ndjson-mixed/input.ndjson; do
  in=$root/samples/$case
  "$netconv" convert --quiet --to fhir,cda -o "$work/by-name" "$in" > /dev/null 2>&1
  "$netconv" convert --quiet --to fhir,cda -o "$work/by-content" - < "$in" > /dev/null 2>&1
  diff -r "$work/by-name/fhir" "$work/by-content/fhir" > /dev/null && diff -r "$work/by-name/cda" "$work/by-content/cda" > /dev/null
  check "stdin sniffed: $case converts as its file does" 0 $?
  grep -q '"read":0,' "$work/by-content/report.json"; check "stdin sniffed: $case read records" 1 $?
done
check "no temporary files left" "" "$(find "$work/a" -name '*.part')"

# reordered list items change no id
sed 's/flushing|diarrhea|carcinoid_heart_disease|edema/edema|carcinoid_heart_disease|diarrhea|flushing/' "$sample" > "$work/reordered.csv"
"$netconv" convert --quiet -o "$work/r" "$work/reordered.csv"
diff <(grep -o '"id":"[0-9a-f]*"' "$work/a/fhir/Condition.ndjson" | sort) <(grep -o '"id":"[0-9a-f]*"' "$work/r/fhir/Condition.ndjson" | sort) > /dev/null
check "reordering a list changes no id" 0 $?

# rejects give exit 1; patient identifiers never reach stderr or report.json
printf 'patient_id,primary_site,histology,ki67_percent\nSECRET-4711,C17.2,8240,140\nSECRET-4712,C99.9,8240,1\n' > "$work/bad.csv"
"$netconv" convert -o "$work/bad" "$work/bad.csv" 2> "$work/bad-err.txt" > /dev/null
check "rejected records exit 1" 1 $?
grep -q SECRET "$work/bad-err.txt" "$work/bad/report.json"; check "no patient id in stderr/report" 1 $?
grep -q 140 "$work/bad-err.txt"; check "no field value in stderr" 1 $?
grep -q SECRET-4711 "$work/bad/rejects.ndjson"; check "rejects.ndjson keeps the record key" 0 $?
check "no FHIR file when nothing converted" "" "$(ls "$work/bad/fhir" 2>/dev/null)"
"$netconv" convert --show-values -o "$work/bad2" "$work/bad.csv" 2> "$work/bad-err2.txt" > /dev/null
grep -q 140 "$work/bad-err2.txt"; check "--show-values prints values" 0 $?

# the FHIR validation cache (docs/validation.md) changes no verdict and no byte: many samples at
# once, with the cache on two threads and without it on one
inputs=()
for s in 01 02 03 04 05 06 07 08 09 10 12 14 16 17; do inputs+=("$root"/samples/$s-*/input.csv); done
"$netconv" convert --quiet -j 2 -o "$work/cache" "${inputs[@]}" 2> /dev/null; with=$?
"$netconv" convert --quiet -j 1 --no-validation-cache -o "$work/nocache" "${inputs[@]}" 2> /dev/null; without=$?
check "validation cache: same exit code" "$without" "$with"
diff -r -x report.json -x report.html "$work/cache" "$work/nocache" > /dev/null; check "validation cache: same outputs and rejects" 0 $?
# the smallest session bound (caches dropped again and again) changes no verdict and no byte either
"$netconv" convert --quiet -j 2 --to fhir,cda --validation-cache-limit 1 -o "$work/cache-1m" "${inputs[@]}" 2> /dev/null; small=$?
"$netconv" convert --quiet -j 2 --to fhir,cda -o "$work/cache-64m" "${inputs[@]}" 2> /dev/null; default=$?
check "validation cache limit: same exit code" "$default" "$small"
diff -r -x report.json -x report.html "$work/cache-64m" "$work/cache-1m" > /dev/null; check "validation cache limit: same outputs and rejects" 0 $?
for bad in 0 65537 x; do
  "$netconv" convert --validation-cache-limit $bad -o "$work/bad-limit" "${inputs[0]}" > /dev/null 2> "$work/err.txt"
  check "--validation-cache-limit $bad: usage error" 2 $?
  has "--validation-cache-limit $bad: says the bounds" "$work/err.txt" "--validation-cache-limit must be a whole number from 1"
done
# the CDA shape memo likewise, on documents and on section files
for layout in document entries; do
  "$netconv" convert --quiet -j 2 --to cda --cda-layout $layout -o "$work/cda-memo-$layout" "${inputs[@]}" 2> /dev/null; with=$?
  "$netconv" convert --quiet -j 1 --to cda --cda-layout $layout --no-validation-cache -o "$work/cda-nomemo-$layout" "${inputs[@]}" 2> /dev/null
  check "CDA shape memo ($layout): same exit code" $? $with
  diff -r -x report.json -x report.html "$work/cda-memo-$layout" "$work/cda-nomemo-$layout" > /dev/null
  check "CDA shape memo ($layout): same outputs and rejects" 0 $?
done
# outputs that fail validation (a patient identifier system that is not a uri) are rejected alike
"$netconv" convert --quiet -j 2 --patient-id-system 'urn:not a uri' -o "$work/cache-bad" "${inputs[@]}" 2> /dev/null; with=$?
"$netconv" convert --quiet -j 1 --no-validation-cache --patient-id-system 'urn:not a uri' -o "$work/nocache-bad" "${inputs[@]}" 2> /dev/null
check "invalid output exits 1" 1 $with
check "invalid outputs rejected with NC-OUT-001" 0 "$(grep -c NC-OUT-001 "$work/cache-bad/rejects.ndjson" > /dev/null; echo $?)"
diff -r -x report.json -x report.html "$work/cache-bad" "$work/nocache-bad" > /dev/null; check "validation cache: same rejects for invalid outputs" 0 $?
grep -q '"output":"fhir/Patient.ndjson Patient/[0-9a-f]\{32\}"' "$work/cache-bad/rejects.ndjson"
check "a rejected output is named by its file and resource" 0 $?
# ... and `netconv validate` reports the same with and without it (valid and invalid fixtures)
"$netconv" validate --format json "$root/tests/data/validation" > "$work/validate-cache.json" 2>&1; with=$?
"$netconv" validate --no-validation-cache --format json "$root/tests/data/validation" > "$work/validate-nocache.json" 2>&1
check "validate: fixtures include failures" 1 $with
cmp -s "$work/validate-cache.json" "$work/validate-nocache.json"; check "validate: same report with and without the validation cache" 0 $?

# bundle layout: one transaction Bundle per patient
"$netconv" convert --quiet --fhir-layout bundle -o "$work/bu" "$sample"; check "bundle layout" 0 $?
check "one bundle per patient" 4 "$(wc -l < "$work/bu/fhir/bundles.ndjson")"

echo "$passes passed, $fails failed"
((fails == 0))
