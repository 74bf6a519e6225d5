#!/usr/bin/env bash
# Runs the independent CDA oracles of ../shared/oracles on a netconv output folder and fails
# on any finding:
#   1. CDA R2 XSD (SDTC)                  every OUT/cda/**/*.xml (documents and section files)
#   2. C-CDA R2.1 Schematron (errors)     every ClinicalDocument (with --sections: every file); the rule ids in ALLOWED are
#                                         known false positives of the official rules (docs/cda.md)
#   3. third-party reader (@medplum/ccda) every ClinicalDocument: each FHIR Condition netconv wrote
#                                         to OUT/fhir must come back as a Condition carrying the
#                                         same id (identifier) and the same SNOMED CT codes
#                                         (needs --to fhir,cda; skipped with a note otherwise)
# usage: cda_oracles.sh [--sections] OUT_DIR [SHARED_DIR]   exit 0 = all passed, 1 = findings, 2 = usage
#   --sections  also run the Schematron on section files (entries layout; ~2 s per file)
#        cda_oracles.sh --samples NETCONV REPO_ROOT   converts every sample (--to fhir,cda, both
#        CDA layouts) and runs the checks above on each output (the CI entry point)
set -uo pipefail
if [[ ${1:-} == --samples ]]; then
  netconv=${2:?usage: cda_oracles.sh --samples NETCONV REPO_ROOT} root=${3:?usage: cda_oracles.sh --samples NETCONV REPO_ROOT}
  # a clone without ../shared has no oracle: skipped (CTest SKIP_RETURN_CODE 77), never passed
  if [[ ! -f ${4:-$root/../shared}/oracles/cda/validate-cda.sh ]]; then
    echo "skipped: the CDA oracles need ${4:-$root/../shared}/oracles (../shared, absent beside this clone)"; exit 77
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  status=0 n=0
  for sample in "$root"/samples/*/; do
    name=$(basename "$sample")
    input=$(ls "$sample"input.* 2>/dev/null | head -n 1)
    [[ -n $input ]] || continue
    args=()
    [[ -f $sample/args ]] && mapfile -t args < "$sample/args"
    for layout in document entries; do
      out=$work/$name-$layout
      (cd "$sample" && "$netconv" convert "${args[@]}" --quiet --to fhir,cda --cda-layout "$layout" -o "$out" "$(basename "$input")") 2>/dev/null
      code=$?
      if ((code > 1)); then echo "FAIL: $name ($layout) exited $code"; status=1; continue; fi
      [[ -d $out/cda ]] || continue
      ((++n))
      if r=$(bash "$0" "$out" "${4:-$root/../shared}" 2>&1); then
        echo "ok   $name ($layout): $(grep -E ' passed, | matched, |^skipped' <<<"$r" | paste -sd ';' -)"
      else
        status=1; echo "FAIL $name ($layout)"; grep -vE '^(==|cda_oracles:)' <<<"$r" | head -n 30
      fi
    done
  done
  ((n > 0)) || { echo "cda_oracles: no CDA output to check"; exit 1; }
  ((status == 0)) && echo "cda_oracles: $n output folder(s), all passed" || echo "cda_oracles: FAILED"
  exit $status
fi
sections=0; [[ ${1:-} == --sections ]] && { sections=1; shift; }
out=${1:?usage: cda_oracles.sh [--sections] OUT_DIR [SHARED_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
shared=${2:-$here/../../../shared}
oracles=$shared/oracles
ALLOWED=(a-1098-28042)  # Self-Care Activities: the official test lacks an '@' (shared/oracles/README.md)
[[ -d $out/cda ]] || { echo "cda_oracles: no $out/cda"; exit 2; }
[[ -f $oracles/cda/validate-cda.sh ]] || { echo "cda_oracles: oracles not found in $oracles"; exit 2; }
failed=0

echo "== CDA R2 XSD (SDTC)"
r=$(bash "$oracles/cda/validate-cda.sh" --quiet "$out/cda" 2>&1); code=$?
grep -E '^(FAIL|  )' <<<"$r" | head -n 40
echo "$(tail -n 1 <<<"$r")"
((code == 0)) || failed=1

mapfile -d '' docs < <(find "$out/cda" -name '*.xml' -print0 | sort -z | xargs -0 -r grep -lZ '<ClinicalDocument')
targets=("${docs[@]}")
((sections)) && mapfile -d '' targets < <(find "$out/cda" -name '*.xml' -print0 | sort -z)
echo "== C-CDA R2.1 Schematron on ${#targets[@]} file(s)"
if ((${#targets[@]})); then
  r=$(bash "$oracles/cda/schematron.sh" "${targets[@]}" 2>&1)
  # per file: "ok|FAIL FILE (...)" then indented "FILE:LINE: [rule-id] ..." lines
  verdict=$(awk -v allowed=" ${ALLOWED[*]} " '
    /^(ok|FAIL) / { flush(); file=$2; status=$1; bad=""; next }
    /^ +/ && file != "" { if (match($0, /\[a-[^]]+\]/)) { id=substr($0, RSTART+1, RLENGTH-2); if (index(allowed, " " id " ") == 0) bad=bad " " id; } else if (status=="FAIL") bad=bad " (unparsed)"; next }
    function flush() { if (file == "") return; if (status == "FAIL" && bad != "") { print "FAIL " file ":" bad; nfail++ } else npass++; file="" }
    END { flush(); print npass+0 " passed, " nfail+0 " failed" }' <<<"$r")
  grep -v '^[0-9]* passed' <<<"$verdict"
  grep -E '\[a-' <<<"$r" | grep -v -F -f <(printf '[%s]\n' "${ALLOWED[@]}") | head -n 20
  echo "$(tail -n 1 <<<"$verdict")"
  [[ $(tail -n 1 <<<"$verdict") == *" 0 failed" && $r == *" passed, "* ]] || failed=1
fi

echo "== @medplum/ccda reader: Conditions and SNOMED CT codes against $out/fhir"
if [[ ! -d $out/fhir ]]; then
  echo "skipped: no $out/fhir (convert with --to fhir,cda to compare)"
elif ((${#docs[@]})); then
  NET_ORACLES_FHIR_DIR=$(bash "$oracles/fhir/setup.sh" | tail -n 1) node --input-type=module - "$out/fhir" "${docs[@]}" <<'JS' || failed=1
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
const require = createRequire(path.join(process.env.NET_ORACLES_FHIR_DIR, 'package.json'));
const { convertXmlToCcda, convertCcdaToFhir } = require('@medplum/ccda');
const [fhirDir, ...docs] = process.argv.slice(2);
const SCT = 'http://snomed.info/sct';
const sct = (cc) => (cc?.coding || []).filter((c) => c.system === SCT).map((c) => c.code).sort().join(',');
// netconv's Conditions, by id, from the bulk or the bundle layout
const fhir = new Map();
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ndjson') ? [path.join(d, e.name)] : []);
for (const f of walk(fhirDir))
  for (const line of fs.readFileSync(f, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    for (const res of r.resourceType === 'Bundle' ? (r.entry || []).map((e) => e.resource) : [r])
      if (res?.resourceType === 'Condition') fhir.set(res.id, res);
  }
let bad = 0, seen = 0;
for (const file of docs) {
  let bundle;
  try {
    bundle = convertCcdaToFhir(convertXmlToCcda(fs.readFileSync(file, 'utf8')), { ignoreUnsupportedSections: true });
  } catch (e) {
    bad++; console.log(`FAIL ${file}: converter error: ${e?.message}`); continue;
  }
  const conds = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Condition');
  const problems = [];
  for (const c of conds) {
    const ids = (c.identifier || []).map((i) => i.value).filter((v) => fhir.has(v));
    if (ids.length !== 1) { problems.push(`Condition ${sct(c.code) || '(no SNOMED)'} has no netconv id`); continue; }
    seen++;
    const mine = fhir.get(ids[0]);
    if (sct(mine.code) !== sct(c.code)) problems.push(`Condition/${ids[0]}: SNOMED ${sct(c.code) || '-'} != FHIR ${sct(mine.code) || '-'}`);
    fhir.get(ids[0]).__found = true;
  }
  if (problems.length) { bad++; console.log(`FAIL ${file}:\n  ${problems.join('\n  ')}`); }
}
const missing = [...fhir.values()].filter((c) => !c.__found).map((c) => `Condition/${c.id} (${sct(c.code) || 'no SNOMED'})`);
if (missing.length) { bad++; console.log(`FAIL Conditions of the FHIR output not found in any document:\n  ${missing.join('\n  ')}`); }
console.log(`${seen} Condition(s) matched, ${bad} problem(s) in ${docs.length} document(s)`);
process.exit(bad ? 1 : 0);
JS
else
  echo "skipped: no ClinicalDocument (entries layout)"
fi
((failed == 0)) && echo "cda_oracles: all passed" || echo "cda_oracles: FAILED"
exit $failed
