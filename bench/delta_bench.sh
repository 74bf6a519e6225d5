#!/usr/bin/env bash
# A month's delta against a full conversion (docs/benchmarks.md): N rows (default 100000) from
# gen_registry.py --seed 11, next month's copy with 1 % of the records corrected
# (correct_registry.py --fraction 0.01 --seed 7), then
#   full:  the corrected export converted whole
#   delta: the corrected export with --since the first month's output
#   delta-no-carry: the same, unchanged patients converted again instead of carried
# Prints wall seconds and peak RSS of each (GNU time), and the delta's counts.
#   bench/delta_bench.sh NETCONV [ROWS] [JOBS]
set -euo pipefail
netconv=$1 rows=${2:-100000} jobs=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/gen_registry.py" "$rows" --seed 11 -o "$work/jan.csv" >/dev/null
python3 "$here/correct_registry.py" "$work/jan.csv" "$work/feb.csv" --fraction 0.01 --seed 7
"$netconv" convert "$work/jan.csv" -j "$jobs" --quiet --no-progress -o "$work/jan" || [[ $? == 1 ]]
measure() {
  local name=$1
  shift
  /usr/bin/time -f "$name: %e s wall, %U s user, %S s sys, %M KiB peak RSS" "$netconv" convert "$work/feb.csv" -j "$jobs" --quiet --no-progress "$@" ||
    [[ $? == 1 ]]
}
measure full -o "$work/full"
measure delta --since "$work/jan" --delete-missing-patients -o "$work/delta"
# the same delta with every patient converted again (no patient carried by its input fingerprint)
NETCONV_DELTA_NO_CARRY=1 measure delta-no-carry --since "$work/jan" --delete-missing-patients -o "$work/nocarry"
python3 -c "import json,sys; print('delta:', json.dumps(json.load(open(sys.argv[1]))['delta']))" "$work/delta/report.json"
du -sh "$work/full/fhir" "$work/delta/fhir" | sed "s|$work/||"
