#!/usr/bin/env bash
# -o - (README "Streaming"): one NDJSON stream on standard output holding what a folder run
# writes (bundles: the same bytes; bulk: the same lines, patient by patient), report.json and
# rejects.ndjson to --report/--rejects, standard input sniffed, the options' usage errors, and a
# reader that goes away: exit 141, a message, no report, never a SIGPIPE death.
set -uo pipefail
netconv=$1 root=$2
source "$(dirname "$0")/assert.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/gen_registry.py" 400 --seed 9 --bad-rate 0.05 -o "$work/in.csv"

"$netconv" convert -q -j 2 --fhir-layout bundle -o "$work/folder-b" "$work/in.csv" 2>/dev/null
"$netconv" convert -q -j 2 --fhir-layout bundle -o - --report "$work/report.json" --rejects "$work/rejects.ndjson" "$work/in.csv" >"$work/b.ndjson" 2>/dev/null
check "bundle stream: exit 1 (rejects)" 1 $?
check "bundle stream = fhir/bundles.ndjson" "$(md5sum <"$work/folder-b/fhir/bundles.ndjson")" "$(md5sum <"$work/b.ndjson")"
check "--rejects = rejects.ndjson" "$(md5sum <"$work/folder-b/rejects.ndjson")" "$(md5sum <"$work/rejects.ndjson")"
counts() { python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).read().split("\n,\"timing\"")[0]+"}"); del r["outputs"]; print(json.dumps(r, sort_keys=True))' "$1"; }
check "--report = report.json (outputs aside)" "$(counts "$work/folder-b/report.json")" "$(counts "$work/report.json")"

"$netconv" convert -q -j 2 -o "$work/folder" "$work/in.csv" 2>/dev/null
cat "$work/in.csv" | "$netconv" convert -q -j 2 -o - - >"$work/bulk.ndjson" 2>/dev/null
check "bulk stream from stdin: exit 1" 1 $?
# a pipe is not hashed (it is read once): its run id in meta.source differs from the file's by design
mask_run() { sed -E 's/:run:[0-9a-f]{16}"/:run:RUN"/g' | sort | md5sum; }
check "bulk stream: the folder's lines" "$(cat "$work"/folder/fhir/*.ndjson | mask_run)" "$(mask_run < "$work/bulk.ndjson")"
# patient by patient: each line's patient (a Patient line's id, else its subject) changes only at
# a Patient line, and patients come in the folder's order
python3 - "$work/bulk.ndjson" "$work/folder/fhir/Patient.ndjson" >"$work/order" <<'PY'
import json, sys
current, order = None, []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["resourceType"] == "Patient":
        current = r["id"]; order.append(current); continue
    ref = (r.get("subject") or r.get("patient") or {}).get("reference", "")
    if ref != "Patient/" + str(current): print("line of", ref, "inside patient", current); sys.exit()
folder = [json.loads(l)["id"] for l in open(sys.argv[2])]
print("ok" if order == folder else "patients out of order")
PY
check "bulk stream: grouped by patient, in output order" ok "$(cat "$work/order")"

# usage errors
"$netconv" convert --to cda -o - "$work/in.csv" >/dev/null 2>"$work/err"
check "--to cda -o -: exit 2" 2 $?
"$netconv" convert --to fhir,cda -o - "$work/in.csv" >/dev/null 2>"$work/err"
check "two outputs to -o -: exit 2" 2 $?
"$netconv" convert --report "$work/r.json" -o "$work/x" "$work/in.csv" >/dev/null 2>"$work/err"
check "--report without -o -: exit 2" 2 $?

# the reader goes away after the first bytes
python3 "$root/bench/gen_registry.py" 20000 --seed 3 -o "$work/big.csv"
"$netconv" convert -j 2 --no-validate -o - --report "$work/gone.json" "$work/big.csv" 2>"$work/err" | head -c 1000 >/dev/null
check "reader gone: exit 141" 141 "${PIPESTATUS[0]}"
has "reader gone: says so" "$work/err" "standard output was closed by its reader"
check "reader gone: no report" no "$([[ -e $work/gone.json ]] && echo yes || echo no)"

# a pipe is read once, by the conversion: nothing of it is copied to $TMPDIR, not even to an
# unlinked file (while the pipe is still open, no descriptor of netconv's points there)
mkdir -p "$work/tmp"
TMPDIR=$work/tmp "$netconv" convert -q -o "$work/piped" - < <(cat "$work/in.csv"; sleep 2) 2>"$work/piped.err" & pid=$!
sleep 1
check "a pipe is not copied to \$TMPDIR" "" "$(ls -l /proc/$pid/fd 2>/dev/null | grep -F "$work/tmp")"
wait $pid
check "a pipe converts: exit 1 (rejects)" 1 $?
check "a pipe converts: the folder's lines" "$(cat "$work"/folder/fhir/*.ndjson | mask_run)" "$(cat "$work"/piped/fhir/*.ndjson | mask_run)"

echo "stream_test: $passes passed, $fails failed"
((fails == 0))
