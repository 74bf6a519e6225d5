#!/usr/bin/env bash
# Unsorted exports (README "Unsorted exports"): a shuffled copy of every sample (fixed seeds;
# rows of one patient shuffled too) converts to the FHIR and CDA bytes of the sample, at -j 1 and
# -j 3 --batch 1, with rejects.ndjson in input order and read = converted + rejected + skipped;
# a generated export sorted on disk with a tiny --memory-limit (many runs, merged in several
# levels) gives the bytes of the sorted export; --presorted keeps NC-REC-006; a NAACCR patient id
# in two Patient elements is rejected in the later one; the sort's run files go on success, on
# SIGTERM and on a write error (exit 3 naming the run file); --memory-limit bounds.
# Usage: unsorted_test.sh NETCONV ROOT
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
cleanup() {
  exec 7>&- 2>/dev/null
  [[ -n ${bg:-} ]] && kill -KILL "$bg" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fails=0 passes=0 skips=0
check() { # name expected actual
  if [[ $2 == "$3" ]]; then passes=$((passes + 1)); else echo "FAIL: $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}
has() { # name file pattern (grep -E)
  if grep -Eq -- "$3" "$2"; then passes=$((passes + 1)); else echo "FAIL: $1: no /$3/ in $2:"; sed 's/^/    /' "$2" | head -10; fails=$((fails + 1)); fi
}
# "ok" when read = converted + rejected + skipped, rejects.ndjson has one line per rejected record
# and its lines are in input order (input, then line); with $2, also that the counts equal $2's
balanced() {
  python3 - "$1" "${2:-}" <<'PY'
import json, sys
def counts(out):
    r = json.load(open(out + "/report.json"))
    c = r.get("counts", r)
    return {k: c[k] for k in ("read", "converted", "rejected", "skipped")}
out, ref = sys.argv[1], sys.argv[2]
c = counts(out)
rej = [json.loads(l) for l in open(out + "/rejects.ndjson")]
lines = [x["line"] for x in rej]
ok = c["read"] == c["converted"] + c["rejected"] + c["skipped"] and len(rej) == c["rejected"] and lines == sorted(lines)
if ref and counts(ref) != c:
    ok = False
print("ok" if ok else "counts %s (reference %s), %d reject lines, lines %s" % (c, ref and counts(ref), len(rej), lines))
PY
}
# A shuffled file is another input: its SHA-256, and so the run id in meta.source (and a
# Provenance's id and input digest), differ by design. Everything else must be the same bytes.
mask_run() { # dir -> a copy with the run id and the input digests masked
  rm -rf "$1.masked" && cp -r "$1" "$1.masked"
  [[ -d $1.masked/fhir ]] && find "$1.masked/fhir" -type f -exec sed -i -E 's/:run:[0-9a-f]{16}"/:run:RUN"/g;
    s/Provenance\/[0-9a-f]{32}/Provenance\/ID/g; s/"Provenance","id":"[0-9a-f]{32}"/"Provenance","id":"ID"/g;
    s/"value":"[0-9a-f]{64}"/"value":"SHA256"/g' {} +
  echo "$1.masked"
}
same_outputs() { # dir dir: fhir/ and cda/ byte for byte (both absent when nothing converted)
  local a b
  a=$(mask_run "$1") b=$(mask_run "$2")
  for d in fhir cda; do
    [[ ! -e $a/$d && ! -e $b/$d ]] && continue
    diff -r "$a/$d" "$b/$d" > /dev/null 2>&1 || return 0
  done
  echo same
}
conv() { "$netconv" convert --no-progress --to fhir,cda "$@"; }
conv_fhir() { "$netconv" convert --no-progress --to fhir "$@"; }

# ---- every sample, shuffled (without validation: it decides nothing about order, and loading
# the validators for each of these runs would cost minutes) ----
for sample in "$root"/samples/*/; do
  name=$(basename "$sample")
  input=$(ls "$sample"/input.* | head -n 1)
  args=()
  [[ -f $sample/args ]] && mapfile -t args < "$sample/args"
  (cd "$sample" && conv "${args[@]}" --no-validate -j 1 -q -o "$work/$name.ref" "$(basename "$input")" 2>/dev/null)
  # one shuffle per sample, seeds and thread counts alternating (each run costs a process start)
  seed=$((11 + ${#name} % 2))
  jobs="-j 1"
  [[ $seed == 12 ]] && jobs="-j 3 --batch 1"
  copy="$work/$name.$seed"
  mkdir -p "$copy"
  cp "$sample"/* "$copy/" 2>/dev/null
  python3 "$root/tests/cli/shuffle_records.py" "$input" "$copy/$(basename "$input")" "$seed"
  (cd "$copy" && conv "${args[@]}" --no-validate $jobs -q -o "$copy/out" "$(basename "$input")" 2>/dev/null)
  check "$name shuffled ($seed, $jobs): FHIR and CDA bytes of the sample" same "$(same_outputs "$work/$name.ref" "$copy/out")"
  check "$name shuffled ($seed, $jobs): same counts, balanced, rejects in input order" ok "$(balanced "$copy/out" "$work/$name.ref")"
done

# ---- a patient that reappears: grouped by default, NC-REC-006 with --presorted ----
s14=$root/samples/14-patient-reappears/input.csv
conv --no-validate -q -o "$work/p14" "$s14" 2>/dev/null
check "sample 14: grouped by default (exit 0)" 0 "$?"
has "sample 14: every row converted" "$work/p14/report.json" '"read":4,"converted":4,"rejected":0,"skipped":0'
conv --no-validate --presorted -o "$work/p14p" "$s14" 2> "$work/err.txt"
check "sample 14 --presorted: exit 1" 1 "$?"
has "sample 14 --presorted: NC-REC-006 at line 4" "$work/err.txt" 'input.csv:4:.*NC-REC-006'
check "sample 14 --presorted: balanced" ok "$(balanced "$work/p14p")"

# ---- NAACCR: a patient id in a second Patient element is rejected there ----
nx=$root/samples/naaccr-01-registry-export-v25/input.xml
python3 - "$nx" "$work/dup.xml" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
first = re.search(r'<Patient\b.*?</Patient>\s*', t, re.S).group(0)
end = t.rindex('</NaaccrData>')
open(sys.argv[2], 'w').write(t[:end] + first + t[end:])
PY
conv --no-validate -o "$work/dup" "$work/dup.xml" 2> "$work/err.txt"
check "NAACCR id in two Patient elements: exit 1" 1 "$?"
has "NAACCR id in two Patient elements: NC-REC-006 in the later element" "$work/err.txt" "NC-REC-006: patient id repeats an earlier NAACCR Patient element"
check "NAACCR id in two Patient elements: balanced" ok "$(balanced "$work/dup")"
conv --no-validate -q -o "$work/dup.ref" "$nx" 2>/dev/null
check "NAACCR id in two Patient elements: the first element's outputs unchanged" same "$(same_outputs "$work/dup.ref" "$work/dup")"

# ---- on disk: many runs (several merge levels: tests/unit/pipeline/external_sort_test.cpp), any -j ----
python3 "$root/bench/gen_registry.py" 3000 --seed 11 -o "$work/gen.csv" > /dev/null
(head -n 1 "$work/gen.csv"; tail -n +2 "$work/gen.csv" | shuf --random-source=<(yes)) > "$work/gen-shuf.csv"
# FHIR only: a CDA document per patient costs file system work that tells nothing about order
conv_fhir --no-validate -q -j 2 -o "$work/gen.ref" "$work/gen.csv" 2>/dev/null
for jobs in "-j 1" "-j 2 --batch 7"; do
  conv_fhir --no-validate -q $jobs --memory-limit 1 -o "$work/gen.out" "$work/gen-shuf.csv" 2>/dev/null
  check "3000 shuffled rows, --memory-limit 1, $jobs: bytes of the sorted rows" same "$(same_outputs "$work/gen.ref" "$work/gen.out")"
  check "3000 shuffled rows, $jobs: balanced" ok "$(balanced "$work/gen.out")"
  check "3000 shuffled rows, $jobs: no run file left" "" "$(ls -A "$work/gen.out" | grep netconv)"
  rm -rf "$work/gen.out"
done

# ---- a write error in a run file: exit 3 naming it, nothing of the sort left, previous run kept ----
conv --no-validate -q -o "$work/fs" "$s14" 2>/dev/null
cp -a "$work/fs" "$work/fs.before"
(trap '' XFSZ; ulimit -f 64; conv --no-validate -q --memory-limit 1 -o "$work/fs" "$work/gen-shuf.csv" 2>&1 > /dev/null) | cat > "$work/err.txt"
check "file-size limit in a run file: exit 3" 3 "${PIPESTATUS[0]}"
has "file-size limit in a run file: names it" "$work/err.txt" 'I/O error: .*\.netconv-run/sort-records/run-[0-9]+: File too large'
check "file-size limit in a run file: nothing of the run left" "" "$(ls -A "$work/fs" | grep netconv)"
check "file-size limit in a run file: previous run intact" "" "$(diff -r "$work/fs.before" "$work/fs")"

# ---- a full file system (a tmpfs in a user and mount namespace, where the machine allows it) ----
if unshare -rm true 2>/dev/null; then
  mkdir -p "$work/mnt"
  unshare -rm bash -c '
    mount -t tmpfs -o size=512k tmpfs "$1" || exit 99
    "$2" convert --no-progress --no-validate -q --memory-limit 1 -o "$1/out" "$3" 2> "$4/err.txt"
    echo $? > "$4/code"
    ls -A "$1/out" > "$4/left.txt"' _ "$work/mnt" "$netconv" "$work/gen-shuf.csv" "$work"
  if [[ $(cat "$work/code" 2>/dev/null) == 99 || ! -f $work/code ]]; then
    echo "SKIP: full tmpfs case (mounting a tmpfs is not allowed here)"; skips=$((skips + 1))
  else
    check "full tmpfs while sorting: exit 3" 3 "$(cat "$work/code")"
    has "full tmpfs while sorting: says so" "$work/err.txt" 'I/O error: .*No space left on device'
    check "full tmpfs while sorting: nothing of the run left" "" "$(grep netconv "$work/left.txt")"
  fi
else
  echo "SKIP: full tmpfs case (no user namespaces here: unshare -rm fails)"; skips=$((skips + 1))
fi

# ---- SIGTERM once runs are on disk: run files removed ----
# A regular file: a stream is copied and hashed whole before the run (its digest names the run in
# meta.source), so the sort would not start until it ended. The run files stay from the first
# spill until the validated conversion that merges them ends, seconds at -j 1.
"$netconv" convert --no-progress -j 1 -q --memory-limit 1 -o "$work/sig" "$work/gen-shuf.csv" 2>/dev/null & bg=$!
for ((t = 0; t < 1000; ++t)); do [[ -n $(ls "$work/sig/.netconv-run/sort-records" 2>/dev/null) ]] && break; sleep 0.01; done
check "SIGTERM: run files were written" 1 "$([[ -n $(ls "$work/sig/.netconv-run/sort-records" 2>/dev/null) ]] && echo 1)"
kill -TERM "$bg"
wait "$bg"; code=$?; bg=
check "SIGTERM while sorting: exit 130" 130 "$code"
check "SIGTERM while sorting: no run file, no staging left" "" "$(ls -A "$work/sig" | grep -v '^report.interrupted.json$')"

# ---- --memory-limit bounds ----
for bad in 0 1048577 x -3; do
  conv --no-validate --memory-limit "$bad" -o "$work/opt" "$s14" 2> "$work/err.txt"
  check "--memory-limit $bad: exit 2" 2 "$?"
  has "--memory-limit $bad: says the bounds" "$work/err.txt" "--memory-limit must be a whole number from 1 to 1048576"
done

echo "$passes passed, $fails failed, $skips skipped"
((fails == 0))
