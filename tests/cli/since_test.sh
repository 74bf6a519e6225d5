#!/usr/bin/env bash
# convert --since: a previous manifest that cannot be read or is not one stops the run with its
# exit code and NC-DELTA code before the output folder is touched; option combinations refused;
# a delta of the same export writes nothing; the manifest's bytes do not depend on -j.
#   tests/cli/since_test.sh NETCONV SOURCE_DIR
set -euo pipefail
netconv=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
python3 "$src/bench/gen_registry.py" 30 --seed 11 -o "$work/in.csv" >/dev/null
"$netconv" convert --quiet --no-progress -j 1 "$work/in.csv" -o "$work/out"
"$netconv" convert --quiet --no-progress -j 4 --batch 1 "$work/in.csv" -o "$work/out4"
cmp "$work/out/manifest.ndjson" "$work/out4/manifest.ndjson" || fail "manifest.ndjson differs with -j 4 --batch 1"
[[ $(wc -l < "$work/out/manifest.ndjson") -gt 0 ]] || fail "empty manifest"
expect() {  # expect CODE TEXT ARGS...: exit code and a line of stderr
  local code=$1 text=$2
  shift 2
  set +e
  "$netconv" convert --quiet --no-progress "$@" 2> "$work/err"
  local got=$?
  set -e
  [[ $got == "$code" ]] || { cat "$work/err"; fail "exit $got, not $code, for: $*"; }
  grep -q -- "$text" "$work/err" || { cat "$work/err"; fail "no '$text' on stderr for: $*"; }
}
cp -r "$work/out" "$work/before"
expect 3 NC-DELTA-001 "$work/in.csv" --since "$work/nothing-here" -o "$work/out"
printf '{"patient":"GEN00000001 secret","resources":[]}\n' > "$work/bad.ndjson"
expect 2 NC-DELTA-002 "$work/in.csv" --since "$work/bad.ndjson" -o "$work/out"
grep -q secret "$work/err" && fail "the manifest's content was printed"
expect 2 "needs --since" "$work/in.csv" --delete-missing-patients -o "$work/out"
expect 2 "needs the fhir output" "$work/in.csv" --to cda --since "$work/out" -o "$work/out"
expect 2 "a shard cannot tell" "$work/in.csv" --since "$work/out" --delete-missing-patients --shard 1/2 -o "$work/out"
expect 2 "not with -o -" "$work/in.csv" --since "$work/out" -o -
diff -r "$work/before" "$work/out" >/dev/null || fail "a refused --since run changed the output folder"
# the same export again, into its own folder: nothing to write, the manifest stays
"$netconv" convert --quiet --no-progress "$work/in.csv" --since "$work/out" -o "$work/out"
[[ ! -d $work/out/fhir || -z $(ls -A "$work/out/fhir") ]] || fail "a delta of the same export wrote resources"
cmp "$work/out/manifest.ndjson" "$work/before/manifest.ndjson" || fail "the manifest changed"
# every patient was carried by its input fingerprint: none mapped again (quality counts no case)
python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
d = r['delta']
assert d['resources']['unchanged'] > 0 and d['resources']['changed'] == d['resources']['new'] == d['resources']['deleted'] == 0, d
assert d['patients']['unchanged'] == int(sys.argv[2]) and d['patients']['new'] == d['patients']['changed'] == 0, d
assert r['quality']['cases'] == 0, 'unchanged patients were converted again'
c = r['records'] if 'records' in r else r
assert c['read'] == c['converted'] + c['rejected'] + c['skipped'] and c['read'] > 0, c
" "$work/out/report.json" "$(wc -l < "$work/before/manifest.ndjson")" || fail "report.json delta counts"
# a corrected export: carrying unchanged patients writes the same delta, byte for byte, as
# converting every patient again (NETCONV_DELTA_NO_CARRY), in both layouts
python3 "$src/bench/correct_registry.py" "$work/in.csv" "$work/feb.csv" --fraction 0.2 --seed 7 >/dev/null
for layout in bulk bundle; do
  "$netconv" convert --quiet --no-progress --fhir-layout $layout "$work/in.csv" -o "$work/jan-$layout"
  "$netconv" convert --quiet --no-progress --fhir-layout $layout "$work/feb.csv" --since "$work/jan-$layout" -o "$work/carry-$layout"
  NETCONV_DELTA_NO_CARRY=1 "$netconv" convert --quiet --no-progress --fhir-layout $layout "$work/feb.csv" --since "$work/jan-$layout" -o "$work/full-$layout"
  diff -r -x 'report.*' "$work/carry-$layout" "$work/full-$layout" || fail "$layout: the delta differs when unchanged patients are carried"
  [[ -n $(ls -A "$work/carry-$layout/fhir") ]] || fail "$layout: the corrected export's delta is empty"
  python3 -c "
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a['delta'] == b['delta'], (a['delta'], b['delta'])
assert 0 < a['quality']['cases'] < b['quality']['cases'], 'no patient was carried'
" "$work/carry-$layout/report.json" "$work/full-$layout/report.json" || fail "$layout: delta counts"
done
echo "ok: cli.since"
