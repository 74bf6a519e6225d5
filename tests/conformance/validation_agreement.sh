#!/usr/bin/env bash
# Agreement test (issues C and I): for every file in tests/data/validation/{fhir,cda}/{valid,invalid},
# `netconv validate` must reach the same verdict as the independent oracles in ../shared/oracles:
#   FHIR: validate-fhir.sh (official R4 JSON schema + medplum R4) OR validate-mcode.sh (mCODE STU4 profiles)
#         -> the oracle verdict is "invalid" when either fails;
#   CDA:  cda/validate-cda.sh (CDA R2 XSD, SDTC).
# Also: every file under valid/ must pass and every file under invalid/ must fail, for both sides,
# except the exceptions below.
# Usage: validation_agreement.sh NETCONV_BINARY [PROJECT_ROOT]
set -uo pipefail
netconv=${1:?usage: validation_agreement.sh NETCONV_BINARY [PROJECT_ROOT]}
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
oracles=$root/../shared/oracles
data=$root/tests/data/validation
# a clone without ../shared has no oracle: skipped (CTest SKIP_RETURN_CODE 77), never passed
if [[ ! -f $oracles/fhir/validate-fhir.sh || ! -f $oracles/cda/validate-cda.sh ]]; then
  echo "skipped: the agreement test needs the oracles in $oracles (../shared, absent beside this clone)"; exit 77
fi

# Explicit exceptions: netconv is stricter than the oracles (file -> why). Verdicts: netconv fails,
# oracles pass.
declare -A STRICTER=(
  [fhir/invalid/condition-onset-feb-30.json]="2021-02-30 is not a calendar day; the R4 regex (used by the JSON schema and medplum) only checks digits, issue C asks netconv to close that gap"
  [fhir/invalid/condition-secondary-names-primary-outside-slice.json]="a SecondaryCancerCondition naming its primary with mcode-related-condition instead of its slice relatedPrimaryCancerCondition (condition-related); the open extension slicing lets the oracles pass it, netconv's rule mcode-secondary-related-primary (issue K item 9) does not"
)
# CDA: netconv validate reports .xml files as failures until the CDA validator (src/validation/
# cda_validator.*) is wired into validate_files.cpp; while it says rule cda-not-available, CDA files
# are compared on the oracle side only (the oracle must match valid/ and invalid/).

fail=0 checked=0 exceptions=0
# Each validator runs once over all files (start-up dominates per-file runs); a file's verdict is
# "fail" when a FAIL line names it.
cd "$root"
rel_data=tests/data/validation
nv_out=$("$netconv" validate --quiet "$rel_data/fhir" "$rel_data/cda" 2>&1)
fhir_out=$(bash "$oracles/fhir/validate-fhir.sh" --quiet "$rel_data/fhir" 2>&1)
mcode_out=$(bash "$oracles/fhir/validate-mcode.sh" --quiet "$rel_data/fhir" 2>&1)
cda_out=$(bash "$oracles/cda/validate-cda.sh" --quiet "$rel_data/cda" 2>&1)
verdict_in() { # output file -> pass|fail
  if grep -qE "^FAIL $(printf '%s' "$2" | sed 's/[.[\*^$]/\\&/g')([:#( ]|$)" <<<"$1"; then echo fail; else echo pass; fi
}

for f in "$data"/fhir/valid/* "$data"/fhir/invalid/*; do
  rel=${f#"$data"/}
  expect=pass; [[ $rel == */invalid/* ]] && expect=fail
  nv=$(verdict_in "$nv_out" "$rel_data/$rel")
  a=$(verdict_in "$fhir_out" "$rel_data/$rel")
  m=$(verdict_in "$mcode_out" "$rel_data/$rel")
  ov=pass; [[ $a == fail || $m == fail ]] && ov=fail
  checked=$((checked + 1))
  if [[ -n ${STRICTER[$rel]:-} ]]; then
    if [[ $nv == fail && $ov == pass ]]; then exceptions=$((exceptions + 1)); echo "exception $rel: ${STRICTER[$rel]}"; continue; fi
    echo "FAIL $rel: listed as stricter, but netconv=$nv oracles=$ov (update the exception list)"; fail=$((fail + 1)); continue
  fi
  if [[ $nv != "$ov" || $nv != "$expect" ]]; then
    echo "FAIL $rel: expected $expect, netconv=$nv, oracles=$ov (validate-fhir=$a validate-mcode=$m)"; fail=$((fail + 1))
  else
    echo "ok   $rel ($nv)"
  fi
done

for f in "$data"/cda/valid/* "$data"/cda/invalid/*; do
  rel=${f#"$data"/}
  expect=pass; [[ $rel == */invalid/* ]] && expect=fail
  ov=$(verdict_in "$cda_out" "$rel_data/$rel")
  out=$(grep -F "$rel_data/$rel" <<<"$nv_out")
  nv=$(verdict_in "$nv_out" "$rel_data/$rel")
  checked=$((checked + 1))
  if grep -q 'cda-not-available' <<<"$out"; then
    if [[ $ov != "$expect" ]]; then echo "FAIL $rel: oracle says $ov, expected $expect"; fail=$((fail + 1));
    else echo "skip $rel: netconv CDA validation not wired yet (oracle: $ov as expected)"; fi
    continue
  fi
  if [[ $nv != "$ov" || $nv != "$expect" ]]; then
    echo "FAIL $rel: expected $expect, netconv=$nv, oracle=$ov"; fail=$((fail + 1))
  else
    echo "ok   $rel ($nv)"
  fi
done

echo "validation agreement: $checked files, $exceptions listed exception(s), $fail disagreement(s)"
((checked > 0 && fail == 0))
