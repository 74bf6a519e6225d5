#!/usr/bin/env bash
# Loading netconv's output into a real FHIR server (Medplum's FHIR router over its memory
# repository: ../shared/oracles/fhir-server/load-into-server.sh), compared with --dump + cmp.
#   tests/server/server_test.sh CASE NETCONV SOURCE_DIR
# CASE:
#   reload        the bundles of an export loaded twice: the state does not change
#   delta-bulk    export, corrected export (dates, grades, codes; a treatment, a tumor and a patient
#   delta-bundle  removed; a patient added) converted with --since --delete-missing-patients: the
#                 first load + the delta equals a fresh load of the corrected export (bulk layout
#                 with fhir/deleted.ndjson, or transaction bundles); every output passes
#                 check-output.sh; changed resources carry the new run's meta.source
#   registries    two registries with the same local patient ids stay apart in one server
# Exits 77 (skipped, saying why) without ../shared or node.
set -euo pipefail
case_name=$1 netconv=$2 src=$3
oracles=$src/../shared/oracles
loader=$oracles/fhir-server/load-into-server.sh
[[ -f $loader ]] || { echo "skipped: needs the FHIR server oracle $loader (../shared, absent beside this clone)"; exit 77; }
command -v node >/dev/null || { echo "skipped: needs node for the FHIR server oracle"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
load() { bash "$loader" --quiet "$@" || fail "the server refused a request (above)"; }
# a dump without meta.source (it names the run that wrote a resource, by design)
strip_source() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for line in f:
        r = json.loads(line)
        meta = r.get("meta", {})
        meta.pop("source", None)
        if "meta" in r and not meta:
            del r["meta"]
        out.write(json.dumps(r, sort_keys=True) + "\n")
EOF
}
convert() { "$netconv" convert --quiet --no-progress -j 2 "$@" || [[ $? == 1 ]] || fail "convert $* failed"; }

python3 "$src/bench/gen_registry.py" 40 --seed 11 -o "$work/jan.csv" >/dev/null
python3 "$src/bench/correct_registry.py" "$work/jan.csv" "$work/feb.csv" --count 7 --seed 7 2>/dev/null

check_output() {
  local out
  out=$(bash "$oracles/check-output.sh" "$1" 2>&1) || { echo "$out" | tail -n 20; fail "check-output.sh refused $1"; }
}

# Every resource the delta writes carries the corrected run's meta.source (the same run id as a
# fresh conversion of the corrected export: it is derived from the inputs), not January's.
check_sources() {
  python3 - "$1" "$2" "$3" <<'EOF' || fail "meta.source of the delta"
import json, os, sys
def sources(folder):
    found = set()
    for name in sorted(os.listdir(folder)):
        for line in open(os.path.join(folder, name)):
            r = json.loads(line)
            items = [e.get("resource") for e in r.get("entry", [])] if r["resourceType"] == "Bundle" else [r]
            found |= {x.get("meta", {}).get("source") for x in items if x}
    return found
delta, fresh, first = (sources(d) for d in sys.argv[1:4])
if delta == {None}:
    print("note: no meta.source in the output yet: the source check has nothing to compare")
    sys.exit(0)
assert len(fresh) == 1 and delta == fresh, f"delta resources carry {len(delta)} sources, not the corrected run's"
assert not (delta & first), "a delta resource names the first run"
EOF
}

delta_case() {
  local layout=$1
  convert "$work/jan.csv" --to fhir,cda --fhir-layout "$layout" -o "$work/jan"
  convert "$work/feb.csv" --to fhir,cda --fhir-layout "$layout" --since "$work/jan" --delete-missing-patients -o "$work/delta"
  convert "$work/feb.csv" --to fhir,cda --fhir-layout "$layout" -o "$work/feb"
  load --dump "$work/state-delta" "$work/jan/fhir" "$work/delta/fhir"
  load --dump "$work/state-fresh" "$work/feb/fhir"
  strip_source "$work/state-delta" "$work/a"
  strip_source "$work/state-fresh" "$work/b"
  cmp "$work/a" "$work/b" || { diff "$work/a" "$work/b" | head -n 10; fail "first load + delta differs from a fresh load of the corrected export"; }
  check_sources "$work/delta/fhir" "$work/feb/fhir" "$work/jan/fhir"
  [[ $layout == bundle || -s $work/delta/fhir/deleted.ndjson ]] || fail "no fhir/deleted.ndjson although records were removed"
  # the manifest describes the full state: a --since against the delta's folder is empty
  cmp <(sort "$work/delta/manifest.ndjson") <(sort "$work/feb/manifest.ndjson") || fail "the delta's manifest is not the corrected export's"
  convert "$work/feb.csv" --to fhir,cda --fhir-layout "$layout" --since "$work/delta/manifest.ndjson" -o "$work/again"
  [[ ! -d $work/again/fhir || -z $(ls -A "$work/again/fhir") ]] || fail "a second delta of the same export wrote resources"
  # CDA documents only for the patients that changed
  local changed
  changed=$(python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['delta']['patients']; print(p['changed']+p['new'])" "$work/delta/report.json")
  [[ $(ls "$work/delta/cda" | wc -l) == "$changed" ]] || fail "CDA documents are not those of the $changed changed patients"
  check_output "$work/delta"  # full outputs: the reload case and conformance.oracles
}

case $case_name in
  reload)
    convert "$work/jan.csv" --fhir-layout bundle -o "$work/jan"
    load --dump "$work/once" "$work/jan/fhir/bundles.ndjson"
    load --dump "$work/twice" "$work/jan/fhir/bundles.ndjson" "$work/jan/fhir/bundles.ndjson"
    cmp "$work/once" "$work/twice" || fail "reloading the same bundles changed the server state"
    [[ -s $work/once ]] || fail "nothing was loaded"
    check_output "$work/jan"
    ;;
  delta-bulk) delta_case bulk ;;
  delta-bundle) delta_case bundle ;;
  registries)
    registry() {  # --registry-id when this build has it, else the identifier system it implies
      if "$netconv" convert --help | grep -q -- '--registry-id'; then echo --registry-id "$1"
      else echo --patient-id-system "urn:netconv:registry:$1:patient"; fi
    }
    convert "$work/jan.csv" --fhir-layout bundle $(registry A) -o "$work/a"
    convert "$work/jan.csv" --fhir-layout bundle $(registry B) -o "$work/b"
    load --dump "$work/one" "$work/a/fhir/bundles.ndjson"
    load --dump "$work/both" "$work/a/fhir/bundles.ndjson" "$work/b/fhir/bundles.ndjson"
    python3 - "$work/one" "$work/both" <<'EOF' || fail "two registries overwrote each other's resources"
import collections, json, sys
one = [json.loads(l) for l in open(sys.argv[1])]
both = [json.loads(l) for l in open(sys.argv[2])]
count = lambda rs: collections.Counter(r["resourceType"] for r in rs)
assert count(both) == count(one) + count(one), (count(one), count(both))
systems = collections.Counter(r["identifier"][0]["system"] for r in both if r["resourceType"] == "Patient")
assert len(systems) == 2 and set(systems.values()) == {count(one)["Patient"]}, systems
EOF
    check_output "$work/b"
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
echo "ok: server.$case_name"
