#!/usr/bin/env bash
# Shards and merge (README "Sharding and merging"): --shard K/N's bounds, every shard's counts
# (read = converted + rejected + skipped, the "shard" skips adding up to one run's records), N
# shards merged give the bytes of one run (report.json's timing line aside) for N = 1, 2, 3 on
# samples and a generated export, manifest.ndjson merged in patient order, and every check a merge
# makes refusing with exit 5 and writing nothing.
set -uo pipefail
netconv=$1 root=$2
source "$(dirname "$0")/assert.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- --shard bounds: usage errors (exit 2)
input=$root/samples/07-multiple-tumors/input.csv
for bad in 0/2 3/2 1/0 1/4097 2 a/b 1/2/3 -1/2 ""; do
  "$netconv" convert --shard "$bad" -o "$work/bad" "$input" 2>"$work/err"
  check "--shard '$bad' is a usage error" 2 $?
done
"$netconv" convert --shard 4096/4096 -q --no-validate -o "$work/edge" "$input" 2>/dev/null
check "--shard 4096/4096 is accepted" 0 $?

counts() { python3 - "$@" <<'PY'
import json, sys
for d in sys.argv[1:]:
    r = json.loads(open(d + "/report.json").read().split("\n,\"timing\"")[0] + "}")
    print(r["read"], r["converted"], r["rejected"], r["skipped"], r["skipped_by_reason"].get("shard", 0),
          r["read"] == r["converted"] + r["rejected"] + r["skipped"])
PY
}
strip() { sed -i 's/^,"timing":.*/}/' "$1/report.json"; sed -i 's|^\(<tr class="varies"><th>[^<]*</th><td>\).*\(</td></tr>\)$|\1\2|' "$1/report.html"; }

# shard_and_merge NAME N INPUT [convert args...]: one run, N shards, merged; the same bytes
shard_and_merge() {
  local name=$1 n=$2 in=$3
  shift 3
  local base=$work/$name-$n
  (cd "$(dirname "$in")" && "$netconv" convert -q "$@" -o "$base.one" "$(basename "$in")") 2>/dev/null
  local one_code=$? shards=() kept=0 read=0
  for ((k = 1; k <= n; k++)); do
    (cd "$(dirname "$in")" && "$netconv" convert -q "$@" --shard "$k/$n" -o "$base.s$k" "$(basename "$in")") 2>/dev/null
    shards+=("$base.s$k")
    read -r r c j s sh ok < <(counts "$base.s$k")
    check "$name $k/$n: read = converted + rejected + skipped" True "$ok"
    kept=$((kept + r - sh)) read=$r
  done
  check "$name over $n shards: every record kept by exactly one shard" "$read" "$kept"
  "$netconv" merge -q -o "$base.merged" "${shards[@]}"
  local code=$?
  check "$name over $n shards: merge exit = the run's exit" "$one_code" "$code"
  strip "$base.one"
  strip "$base.merged"
  if diff -r "$base.one" "$base.merged" >"$work/diff"; then passes=$((passes + 1))
  else echo "FAIL: $name over $n shards: merged output differs from one run:"; head -20 "$work/diff"; fails=$((fails + 1)); fi
}

# validation is not what these runs test (it runs in the first and in the golden tests): most go
# without it, which halves their start-up
python3 "$root/bench/gen_registry.py" 1500 --seed 22 --bad-rate 0.05 -o "$work/gen.csv"
sample() { ls "$root/samples/$1"/input.* | head -n 1; }
shard_and_merge 07-multiple-tumors 2 "$(sample 07-multiple-tumors)" --to fhir,cda -j 2
for s in 01-ileal-net-carcinoid-syndrome 09-rejected-code-and-value-errors 13-ndjson-mixed naaccr-01-registry-export-v25; do
  shard_and_merge "$s" 2 "$(sample "$s")" --to fhir,cda -j 1 --no-validate
done
shard_and_merge 13-ndjson-mixed 3 "$(sample 13-ndjson-mixed)" --to fhir,cda -j 1 --no-validate
for n in 1 2 3; do
  shard_and_merge generated "$n" "$work/gen.csv" --to fhir -j 2 --no-validate
done
shard_and_merge bundles 3 "$(sample 17-diagnostics-labs-follow-up)" --fhir-layout bundle --to fhir,cda -j 1 --no-validate
# shards with no patient of their own (8 shards of a 3-patient sample) still merge
shard_and_merge sparse 8 "$(sample 07-multiple-tumors)" --to fhir,cda -j 1 --no-validate

# --- manifest.ndjson (one line per patient, named by Patient id) merged in patient-key order
g=$work/generated-3
for k in 1 2 3; do
  sed 's/^{"resourceType":"Patient","id":"\([0-9a-f]*\)".*/{"patient":"\1"}/' "$g.s$k/fhir/Patient.ndjson" >"$g.s$k/manifest.ndjson"
done
"$netconv" merge -q -o "$work/manifest" "$g.s3" "$g.s1" "$g.s2"
check "merge with manifests: exit" 1 $?
sed 's/^{"resourceType":"Patient","id":"\([0-9a-f]*\)".*/{"patient":"\1"}/' "$g.one/fhir/Patient.ndjson" >"$work/manifest.expected"
check "manifest.ndjson merged in the one run's patient order" "$(md5sum <"$work/manifest.expected")" "$(md5sum <"$work/manifest/manifest.ndjson")"

# --- checks: exit 5, nothing written, a message naming the problem
refused() { # name pattern shard-dirs...
  local name=$1 pattern=$2
  shift 2
  rm -rf "$work/refused"
  "$netconv" merge -o "$work/refused" "$@" 2>"$work/err"
  check "$name: exit 5" 5 $?
  has "$name: says why" "$work/err" "$pattern"
  check "$name: nothing written" no "$([[ -e $work/refused/report.json ]] && echo yes || echo no)"
}
refused "a shard missing" "shard 2 of 3 is missing" "$g.s1" "$g.s3" "$g.s3"
refused "too few folders" "of 3, but 2 shard folders" "$g.s1" "$g.s3"
refused "a shard twice" "shard 1 again|missing" "$g.s1" "$g.s1" "$g.s2"
refused "not a shard run" "not a shard run" "$g.one"
"$netconv" convert -q --no-validate --to fhir --shard 2/3 -o "$work/other-input" "$root/samples/07-multiple-tumors/input.csv" 2>/dev/null
refused "shards of different inputs" "inputs" "$g.s1" "$work/other-input" "$g.s3"
cp -r "$g.s2" "$work/dup-id"
head -n 1 "$g.s1/fhir/Condition.ndjson" >>"$work/dup-id/fhir/Condition.ndjson"
refused "a resource id twice" "written twice" "$g.s1" "$work/dup-id" "$g.s3"
cp -r "$g.s2" "$work/not-json"
echo '[1,2]' >>"$work/not-json/fhir/Condition.ndjson"
refused "a line that is not a resource" "not a JSON object" "$g.s1" "$work/not-json" "$g.s3"
cp -r "$g.s2" "$work/bad-bundle"
echo '{"resourceType":"Bundle","id":"b","entry":[7]}' >"$work/bad-bundle/fhir/bundles.ndjson"
refused "a bundle of the wrong shape" "not what netconv writes" "$g.s1" "$work/bad-bundle" "$g.s3"
cp -r "$g.s2" "$work/skips"
sed -i 's/"shard":\([0-9]*\)/"shard":1\1/' "$work/skips/report.json"
refused "records not accounted for" "exactly one shard" "$g.s1" "$work/skips" "$g.s3"
c=$work/sparse-8
cp -r "$c.s1" "$work/cda-twice"
mkdir -p "$work/cda-twice/cda"
cp "$(ls "$c".s*/cda/*.xml | grep -v "^$c.s1/" | head -n 1)" "$work/cda-twice/cda/"
shards8=("$work/cda-twice" "$c.s2" "$c.s3" "$c.s4" "$c.s5" "$c.s6" "$c.s7" "$c.s8")
refused "a CDA file twice" "two shards wrote the same file" "${shards8[@]}"
"$netconv" merge -o "$g.s1" "$g.s1" "$g.s2" "$g.s3" 2>"$work/err"
check "the output folder is a shard folder: exit 2" 2 $?
"$netconv" merge -o "$work/x" 2>/dev/null
check "merge without shard folders: exit 2" 2 $?

echo "shard_test: $passes passed, $fails failed"
((fails == 0))
