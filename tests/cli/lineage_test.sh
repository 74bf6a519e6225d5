#!/usr/bin/env bash
# Lineage and server-bound bundles: meta.source on every resource (deterministic run id),
# fullUrl on every Bundle entry (urn:uuid or --fhir-base-url), --bundle-type, --provenance,
# and the usage errors of their options.
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
sample=$root/samples/07-multiple-tumors/input.csv
run() { "$netconv" convert --quiet "$@"; }

# usage errors: exit 2 before anything is read
run --bundle-type collection -o "$work/x" "$sample" 2> /dev/null; check "bad --bundle-type" 2 $?
for base in fhir.example.org ftp://h/fhir https://h/fhir/ "https://h/a b" "https://h/fhir?x=1" https://; do
  run --fhir-base-url "$base" -o "$work/x" "$sample" 2> "$work/err.txt"; check "bad --fhir-base-url '$base'" 2 $?
done
has "base-url error says why" "$work/err.txt" "fhir-base-url must"
run --registry-id 'bad id' -o "$work/x" "$sample" 2> /dev/null; check "bad --registry-id" 2 $?

# meta.source: every resource, the same for stdin and the file, another for another input
run -o "$work/bulk" "$sample"; check "bulk converts" 0 $?
run -o "$work/stdin" - < "$sample"; check "stdin converts" 0 $?
diff -r "$work/bulk/fhir" "$work/stdin/fhir" > /dev/null; check "stdin output equals file output" 0 $?
python3 - "$work/bulk/fhir" > "$work/sources.txt" <<'PY'
import json, pathlib, sys
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.ndjson")):
    for line in f.read_text().splitlines():
        print(json.loads(line).get("meta", {}).get("source", "MISSING"))
PY
check "meta.source on every resource, one run" 1 "$(sort -u "$work/sources.txt" | wc -l)"
has "meta.source form" "$work/sources.txt" '^urn:netconv:registry:unspecified:run:[0-9a-f]{16}$'
run --registry-id nrw.net-1 -o "$work/reg" "$sample"
has "registry id in meta.source" "$work/reg/fhir/Patient.ndjson" '"source":"urn:netconv:registry:nrw\.net-1:run:[0-9a-f]{16}"'
cp "$sample" "$work/changed.csv"; echo >> "$work/changed.csv"
run -o "$work/changed" "$work/changed.csv"
check "other input bytes, other run id" 1 "$(cmp -s "$work/bulk/fhir/Patient.ndjson" "$work/changed/fhir/Patient.ndjson"; echo $?)"

# bundles: fullUrl on every entry, transaction by default, batch on request
bundle_check() { # dir expected-type base
  python3 - "$1/fhir/bundles.ndjson" "$2" "$3" <<'PY'
import json, re, sys
path, want_type, base = sys.argv[1:]
uuid = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
n = 0
for line in open(path):
    b = json.loads(line); assert b["type"] == want_type, b["type"]
    urls = [e["fullUrl"] for e in b["entry"]]; assert len(set(urls)) == len(urls), "fullUrl repeats"
    for e in b["entry"]:
        r, req = e["resource"], e["request"]
        assert req == {"method": "PUT", "url": f'{r["resourceType"]}/{r["id"]}'}, req
        assert (e["fullUrl"] == f'{base}/{req["url"]}') if base else uuid.match(e["fullUrl"]), e["fullUrl"]
        n += 1
print(n)
PY
}
run --fhir-layout bundle -o "$work/tx" "$sample"
check "transaction: every entry has a urn:uuid fullUrl" 0 "$(bundle_check "$work/tx" transaction "" > /dev/null; echo $?)"
run --fhir-layout bundle --bundle-type batch --fhir-base-url https://fhir.example.org/r4 -o "$work/batch" "$sample"
check "batch with base URL: fullUrl is BASE/Type/id" 0 "$(bundle_check "$work/batch" batch https://fhir.example.org/r4 > /dev/null; echo $?)"

# --provenance: one per patient, targets every resource of the patient, validated in process
run --provenance -o "$work/prov" "$sample"; check "bulk with provenance converts" 0 $?
check "one Provenance per patient" "$(wc -l < "$work/prov/fhir/Patient.ndjson")" "$(wc -l < "$work/prov/fhir/Provenance.ndjson")"
diff -r -x Provenance.ndjson "$work/bulk/fhir" "$work/prov/fhir" > /dev/null; check "provenance adds, changes nothing else" 0 $?
sha=$(sha256sum "$sample" | cut -d' ' -f1)
has "entity: input name and SHA-256" "$work/prov/fhir/Provenance.ndjson" "\"value\":\"$sha\"},\"display\":\"input.csv\""
has "recorded is the fixed instant" "$work/prov/fhir/Provenance.ndjson" '"recorded":"1970-01-01T00:00:00Z"'
run --fhir-layout bundle --provenance -o "$work/bprov" "$sample"
python3 - "$work/bprov/fhir/bundles.ndjson" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    entries = json.loads(line)["entry"]
    prov = entries[-1]["resource"]; assert prov["resourceType"] == "Provenance"
    want = [f'{e["resource"]["resourceType"]}/{e["resource"]["id"]}' for e in entries[:-1]]
    assert [t["reference"] for t in prov["target"]] == want, "targets are not the bundle's resources"
PY
check "bundle: Provenance last, targets every other entry" 0 $?
grep -q '"fhir:Provenance"' "$work/bprov/report.json"; check "report counts Provenance resources" 0 $?
# the in-process validator knows Provenance: a broken one is caught (validate)
head -n 1 "$work/prov/fhir/Provenance.ndjson" | sed 's/"recorded":"[^"]*",//' > "$work/bad-prov.ndjson"
"$netconv" validate "$work/bad-prov.ndjson" > "$work/val.txt" 2>&1; check "Provenance without recorded fails validation" 1 $?
"$netconv" validate "$work/prov/fhir/Provenance.ndjson" > /dev/null 2>&1; check "written Provenance validates" 0 $?

echo "lineage: $passes passed, $fails failed"
exit $((fails > 0))
