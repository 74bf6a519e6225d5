#!/usr/bin/env bash
# Batch-at-scale contract: flat memory (200k rows vs 20k rows, compared, not timed), every bad row
# (0.5 %) in the rejects file and no other, identical bytes at -j 1 and -j 2, and interrupted
# runs (SIGINT, SIGKILL) that leave no partial file under a final name.
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0 passes=0
check() { if [[ $2 == "$3" ]]; then passes=$((passes + 1)); else echo "FAIL: $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi; }
gen=$root/bench/gen_registry.py
python3 "$gen" 20000 --seed 3 --bad-rate 0.005 -o "$work/20k.csv"
python3 "$gen" 200000 --seed 3 --bad-rate 0.005 --bad-keys "$work/200k.bad" -o "$work/200k.csv"

peak_kib() { # peak RSS of a command, from the kernel's accounting of the child
  python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
# the single pass (--presorted) holds one work item per thread, whatever the input's size
small=$(peak_kib "$netconv" convert -q -j 1 --presorted -o "$work/m20" "$work/20k.csv")
large=$(peak_kib "$netconv" convert -q -j 1 --presorted -o "$work/m200" "$work/200k.csv")
echo "peak RSS (--presorted): 20k rows ${small} KiB, 200k rows ${large} KiB"
# flat: ten times the input may not cost more than 8 MiB more memory
check "memory does not grow with the input" 1 "$((large - small < 8192))"
check "peak RSS under 64 MiB at -j 1" 1 "$((large < 65536))"
# grouping by patient in any order (the default) holds records up to --memory-limit, then sorts
# on disk: memory stays flat past it, under the limit + 64 MiB, and the bytes are the same
small=$(peak_kib "$netconv" convert -q -j 1 --memory-limit 16 -o "$work/s20" "$work/20k.csv")
large=$(peak_kib "$netconv" convert -q -j 1 --memory-limit 16 -o "$work/s200" "$work/200k.csv")
echo "peak RSS (sorting, --memory-limit 16): 20k rows ${small} KiB, 200k rows ${large} KiB"
check "sorting: memory does not grow with the input past the limit" 1 "$((large - small < 8192))"
check "sorting: peak RSS under the limit + 64 MiB at -j 1" 1 "$((large < 81920))"
check "sorting: the bytes of the single pass" "" "$(diff -r "$work/m200/fhir" "$work/s200/fhir" | head -n 3)"

# the generator's defective records, exactly, are the rejects; every record is accounted for
bad=$(wc -l < "$work/200k.bad")
check "the input has bad rows" 1 "$((bad > 500))"
check "rejected records are exactly the bad rows" "" "$(python3 - "$work/m200/rejects.ndjson" "$work/200k.bad" <<'PY'
import json, sys
rejected = sorted(json.loads(line)["record_key"] for line in open(sys.argv[1]))
expected = sorted(open(sys.argv[2]).read().split())
if rejected != expected:
    print(f"{len(rejected)} rejected, {len(expected)} bad; first differences: {sorted(set(rejected) ^ set(expected))[:5]}")
PY
)"
check "read = converted + rejected + skipped" "200000 $bad" "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["read"] if r["read"] == r["converted"] + r["rejected"] + r["skipped"] else "unbalanced", r["rejected"])' "$work/m200/report.json")"

"$netconv" convert -q -j 2 -o "$work/j2" "$work/20k.csv"
for f in $(cd "$work/m20" && find . -name '*.ndjson'); do
  cmp -s "$work/m20/$f" "$work/j2/$f" || { echo "FAIL: -j 2 differs: $f"; fails=$((fails + 1)); }
done

# SIGINT: exit 130, report.interrupted.json says interrupted, nothing renamed into place, no temp
# files left
"$netconv" convert -q -j 2 -o "$work/int" "$work/200k.csv" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
check "SIGINT exit code" 130 $?
grep -q '"interrupted":true' "$work/int/report.interrupted.json"; check "report says interrupted" 0 $?
check "no report.json after an interrupted first run" "" "$(ls "$work/int/report.json" 2>/dev/null)"
check "no output under a final name after SIGINT" "" "$(find "$work/int" -name '*.ndjson')"
check "no temp files after SIGINT" "" "$(find "$work/int" -name '*.part' -o -name '.netconv-*')"

# SIGKILL: the staging folder (.netconv-run) may stay, but never a file under a final name
"$netconv" convert -q -j 2 -o "$work/kill" "$work/200k.csv" &
pid=$!
sleep 1
kill -KILL $pid
wait $pid 2>/dev/null
check "no output under a final name after SIGKILL" "" "$(find "$work/kill" -path '*/.netconv-run' -prune -o -name '*.ndjson' -print)"
# the next run into the same folder cleans up and completes
"$netconv" convert -q -o "$work/kill" "$work/20k.csv"
check "rerun after a kill leaves no temp files" "" "$(find "$work/kill" -name '*.part' -o -name '.netconv-*')"

echo "$passes passed, $fails failed"
((fails == 0))
