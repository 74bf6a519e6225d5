#!/usr/bin/env bash
# Quick start: installs dependencies, builds, and converts every bundled sample to FHIR (and CDA
# where available) into out/samples/<case>/. Prints where the output went.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
# FHIR definition packages (mCODE IG, R4 definitions) for the built-in validator, from npm
bash "$root/scripts/install-fhir-packages.sh" >/dev/null
bash "$root/scripts/build.sh"
out=$root/out/samples
mkdir -p "$out"
for sample in "$root"/samples/*/; do
  name=$(basename "$sample")
  input=$(ls "$sample"input.* 2>/dev/null | head -n 1) || continue
  [[ -n $input ]] || continue
  args=()
  [[ -f $sample/args ]] && mapfile -t args < "$sample/args"
  code=0
  (cd "$sample" && "$root/build/netconv" convert --to fhir,cda "${args[@]}" --quiet -o "$out/$name" "$(basename "$input")") || code=$?
  printf '%-45s exit %s  %s\n' "$name" "$code" "$(tr -d '\n' < "$out/$name/report.json" | grep -o '"read":[0-9]*,"converted":[0-9]*,"rejected":[0-9]*,"skipped":[0-9]*')"
done
echo "netconv: sample outputs are in $out (one folder per sample: fhir/, cda/, rejects.ndjson, report.json, report.html)"
