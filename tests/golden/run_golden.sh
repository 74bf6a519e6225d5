#!/usr/bin/env bash
# Golden test for one sample: converts samples/<case>/input.* with the options in
# samples/<case>/args (one per line, optional) and compares every output file, the exit code and
# stderr with samples/<case>/expected/. With --update, rewrites expected/ instead (read the diff).
set -euo pipefail
netconv=$1 sample=$2 update=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
input=$(ls "$sample"/input.* | head -n 1)
args=()
[[ -f $sample/args ]] && mapfile -t args < "$sample/args"
# paths in args are relative to the sample folder; so is the input, so diagnostics name
# files the same way on every machine
set +e
(cd "$sample" && "$netconv" convert --to fhir,cda "${args[@]}" -o "$work/out" "$(basename "$input")") 2> "$work/stderr.txt"
code=$?
set -e
echo "$code" > "$work/out/exit_code"
# timings differ from run to run; report.json keeps them on one line of their own, report.html
# each on a line starting <tr class="varies">; the mapping tables' digest changes with any table
# edit, also one that changes no output; so does the run id of meta.source (made from the
# version, the tables' digest and the inputs' digests; pinned by the unit tests) and with it
# the id of a Provenance (hash of patient and run) and its content; so does each manifest
# line's input fingerprint (it hashes the tables' digest and netconv's version;
# tests/unit/pipeline/fingerprint_test.cpp covers it)
strip_varying() {
  sed -i 's/^,"timing":.*/}/; s/"mapping_tables_sha256":"[0-9a-f]*"/"mapping_tables_sha256":""/' "$1/report.json"
  if [[ -d $1/fhir ]]; then
    find "$1/fhir" -type f -exec sed -i -E 's/:run:[0-9a-f]{16}"/:run:RUN"/g; s/(mapping tables sha256 )[0-9a-f]{64}/\1/g;
      s/Provenance\/[0-9a-f]{32}/Provenance\/ID/g; s/"Provenance","id":"[0-9a-f]{32}"/"Provenance","id":"ID"/g' {} +
  fi
  if [[ -f $1/manifest.ndjson ]]; then
    sed -i -E 's/,"input":"[0-9a-f]*"\}$/,"input":""}/; s/\["Provenance","[0-9a-f]{32}","[0-9a-f]{32}"\]/["Provenance","ID","HASH"]/g' "$1/manifest.ndjson"
  fi
  if [[ -f $1/report.html ]]; then
    sed -i 's|^\(<tr class="varies"><th>[^<]*</th><td>\).*\(</td></tr>\)$|\1\2|; s|<code>[0-9a-f]\{64\}</code>|<code></code>|' "$1/report.html"
  fi
}
strip_varying "$work/out"
sed "s|$work|WORK|g" "$work/stderr.txt" > "$work/out/stderr.txt"
# the same bytes whatever the thread count and work-unit size
for jobs in "-j 1" "-j 4 --batch 1"; do
  (cd "$sample" && "$netconv" convert --to fhir,cda "${args[@]}" $jobs --quiet -o "$work/alt" "$(basename "$input")") 2>/dev/null || true
  strip_varying "$work/alt"
  for f in $(cd "$work/out" && find . -type f ! -name exit_code ! -name stderr.txt); do
    cmp -s "$work/out/$f" "$work/alt/$f" || { echo "output differs with $jobs: $f"; exit 1; }
  done
done
# CDA section files ("entries" layout) are golden too
(cd "$sample" && "$netconv" convert --to cda --cda-layout entries "${args[@]}" --quiet -o "$work/entries" "$(basename "$input")") 2>/dev/null || true
if [[ -d $work/entries/cda ]]; then cp -r "$work/entries/cda" "$work/out/cda-entries"; fi
if [[ $update == --update ]]; then
  rm -rf "$sample/expected"
  cp -r "$work/out" "$sample/expected"
  echo "updated $sample/expected"
  exit 0
fi
if ! diff -r "$sample/expected" "$work/out" > "$work/diff.txt"; then
  echo "golden mismatch for $(basename "$sample"):"
  head -n 60 "$work/diff.txt"
  exit 1
fi
# a sample whose records are all rejected must not produce FHIR/CDA files
if grep -q "\"converted\":0," "$work/out/report.json" && [[ -d $work/out/fhir ]]; then
  if [[ -n $(ls -A "$work/out/fhir") ]]; then echo "FHIR files written although nothing converted"; exit 1; fi
fi
echo "golden ok: $(basename "$sample")"
