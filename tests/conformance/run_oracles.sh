#!/usr/bin/env bash
# Conformance: converts every sample (FHIR bulk and bundle layouts, and CDA when the build has
# it) and runs the independent oracles of ../shared/oracles over all the outputs at once:
# official R4 JSON schema + StructureDefinition validator, the real mCODE STU4 profiles, the CDA
# R2 XSD. Fails on any failure, or when nothing was checked.
set -uo pipefail
netconv=$1 root=$2
oracles=$root/../shared/oracles
# a clone without ../shared has no oracle: skipped (CTest SKIP_RETURN_CODE 77), never passed
if [[ ! -f $oracles/check-output.sh ]]; then
  echo "skipped: the conformance oracles need $oracles (../shared, absent beside this clone)"; exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/all/fhir"
to=fhir
"$netconv" convert --to cda -o "$work/probe" "$root/samples/01-ileal-net-carcinoid-syndrome/input.csv" >/dev/null 2>&1
[[ $? -ne 2 ]] && to=fhir,cda
for sample in "$root"/samples/*/; do
  name=$(basename "$sample")
  input=$(ls "$sample"input.* 2>/dev/null | head -n 1)
  [[ -n $input ]] || continue
  args=()
  [[ -f $sample/args ]] && mapfile -t args < "$sample/args"
  # a sample whose args choose the layout is checked in that one
  layouts=(bulk bundle)
  printf '%s\n' "${args[@]}" | grep -qx -- --fhir-layout && layouts=(own)
  for layout in "${layouts[@]}"; do
    out=$work/$name-$layout
    layout_args=(--fhir-layout "$layout")
    [[ $layout == own ]] && layout_args=()
    (cd "$sample" && "$netconv" convert "${args[@]}" --quiet --to "$to" "${layout_args[@]}" -o "$out" "$(basename "$input")") 2>/dev/null
    code=$?
    if ((code > 1)); then echo "FAIL: $name ($layout) exited $code"; exit 1; fi
    [[ -d $out/fhir ]] && [[ -n $(ls -A "$out/fhir") ]] && cp -r "$out/fhir" "$work/all/fhir/$name-$layout"
    [[ $layout != bundle && -d $out/cda ]] && mkdir -p "$work/all/cda" && cp -r "$out/cda" "$work/all/cda/$name"
  done
done
bash "$oracles/check-output.sh" "$work/all" | tee "$work/result.txt"
status=${PIPESTATUS[0]}
last=$(tail -n 1 "$work/result.txt")
[[ $status == 0 && $last =~ ^[1-9][0-9]*\ passed,\ 0\ failed$ ]] || { echo "conformance: oracles reported failures"; exit 1; }
echo "conformance ok: $last"
