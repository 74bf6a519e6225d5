#!/usr/bin/env bash
# Hostile operations through the CLI (issue J §1-§4, docs/output-folder.md, docs/security.md): the
# output folder holds one completed run after every exit, nothing is written through a planted
# link, write errors (file-size limit, a full tmpfs) end in exit 3 naming the file with the
# previous run intact, closed standard descriptors, signals while blocked on a FIFO or pipe, and
# the bounds of -j and --batch. Usage: hostile_ops_test.sh NETCONV ROOT
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
cleanup() {
  exec 7>&- 2>/dev/null
  [[ -n ${bg:-} ]] && kill -KILL "$bg" 2>/dev/null
  [[ -n ${feeder:-} ]] && kill "$feeder" 2>/dev/null
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
# --no-validate: validation is not what these tests are about, and loading the FHIR definitions
# costs seconds per run under the sanitizers
nc() { "$netconv" convert --no-progress --no-validate -q "$@" 2>/dev/null; }
# "ok" when every file under a final name is listed in report.json (and only those), rejects.ndjson
# has one line per rejected record and the counts balance; $2 = allow a killed run's temporaries
consistent() {
  python3 - "$1" "${2:-}" <<'PY'
import json, os, sys
d, allow = sys.argv[1], sys.argv[2] == "temps"
try:
    r = json.load(open(os.path.join(d, "report.json")))
except Exception as e:
    print("no readable report.json:", e); sys.exit()
files, temps = set(), []
for dp, dns, fns in os.walk(d):
    for f in fns:
        rel = os.path.relpath(os.path.join(dp, f), d)
        if rel.startswith(".netconv-"): temps.append(rel)
        elif rel not in ("report.json", "report.interrupted.json"): files.add(rel)
problems = []
if temps and not allow: problems.append(f"temporaries left: {temps[:3]}")
if files != set(r["outputs"]): problems.append(f"not listed: {sorted(files - set(r['outputs']))[:3]}, listed but missing: {sorted(set(r['outputs']) - files)[:3]}")
rej = os.path.join(d, "rejects.ndjson")
lines = sum(1 for _ in open(rej)) if os.path.exists(rej) else -1
if lines != r["rejected"]: problems.append(f"rejects.ndjson has {lines} lines, report says {r['rejected']}")
if r["read"] != r["converted"] + r["rejected"] + r["skipped"]: problems.append("counts do not balance")
print("; ".join(problems) or "ok")
PY
}
# the previous run's bytes, to compare a folder with after a run that did not complete
snapshot() { rm -rf "$2" && cp -a "$1" "$2" && rm -f "$2/report.interrupted.json"; }
same_as() { diff -r -x report.interrupted.json "$1" "$2" > /dev/null && echo same || echo changed; }

gen=$root/bench/gen_registry.py
python3 "$gen" 300 --seed 5 --bad-rate 0.05 -o "$work/small.csv"
python3 "$gen" 3000 --seed 6 -o "$work/big.csv"
head -n 1 "$work/small.csv" > "$work/header.csv"
{ cat "$work/header.csv"; for i in $(seq 1 100); do echo "BAD$i,1950-01-01,F,1,2019-01,C17.2,XXXX/3,3,,,,,,,,,"; done; } > "$work/rejects.csv"

# ---- §1: one completed run per folder ----
nc --to fhir,cda -o "$work/o1" "$work/small.csv"
nc --to fhir -o "$work/o1" "$work/small.csv"
check "--to fhir after --to fhir,cda: no CDA left" "" "$(ls "$work/o1/cda" 2>/dev/null | head -n 3)"
check "--to fhir after --to fhir,cda: report lists the folder" ok "$(consistent "$work/o1")"

# a run that fails (exit 3: the second input is missing) keeps the previous run as it was
nc -o "$work/o2" "$work/small.csv"
snapshot "$work/o2" "$work/o2.before"
"$netconv" convert --no-progress --no-validate -q -o "$work/o2" "$work/big.csv" "$work/missing.csv" 2> "$work/err.txt"
check "failed run: exit 3" 3 "$?"
check "failed run: previous run intact" same "$(same_as "$work/o2.before" "$work/o2")"
has "failed run: says the previous run is kept" "$work/err.txt" 'keeps the previous completed run'

# a directory planted at a final name, and at the old temporary name of the report
nc -o "$work/o3" "$work/small.csv"
rm "$work/o3/fhir/Patient.ndjson" && mkdir -p "$work/o3/fhir/Patient.ndjson/x" "$work/o3/report.json.part"
nc -o "$work/o3" "$work/small.csv"
check "planted directories: exit 1 (rejects)" 1 "$?"
check "planted directories: one run in the folder" ok "$(consistent "$work/o3")"

# ---- §2: nothing written through a planted link ----
mkdir -p "$work/o4/fhir" "$work/outside"
ln -s "$work/outside/stolen.ndjson" "$work/o4/fhir/Observation.ndjson.part"
ln -s "$work/outside" "$work/o4/cda"
nc --to fhir,cda -o "$work/o4" "$work/small.csv"
check "planted links: nothing written outside the folder" "" "$(ls -A "$work/outside")"
check "planted links: the cda link replaced by a folder" "dir" "$([[ -d $work/o4/cda && ! -L $work/o4/cda ]] && echo dir)"
check "planted links: one run in the folder" ok "$(consistent "$work/o4")"

# ---- §3: write errors (file-size limit, SIGXFSZ ignored; a full tmpfs) ----
limited() { # KiB command... : run with RLIMIT_FSIZE, stderr to err.txt (through a pipe: the
  # limit would cut a regular file)
  (trap '' XFSZ; ulimit -f "$1"; shift; "$@" 2>&1 > /dev/null) | cat > "$work/err.txt"
  return "${PIPESTATUS[0]}"
}
for case in "rejects 8 rejects.csv rejects\.ndjson" "fhir 32 big.csv fhir/[A-Za-z]+\.ndjson" "report 0 header.csv report\.json" "page 4 header.csv report\.html"; do
  read -r name kib input file <<< "$case"
  nc -o "$work/f-$name" "$work/small.csv"
  snapshot "$work/f-$name" "$work/f-$name.before"
  limited "$kib" "$netconv" convert --no-progress --no-validate -q -o "$work/f-$name" "$work/$input"
  check "file-size limit at $name: exit 3" 3 "$?"
  has "file-size limit at $name: names the file" "$work/err.txt" "I/O error: .*$file"
  check "file-size limit at $name: previous run intact" same "$(same_as "$work/f-$name.before" "$work/f-$name")"
done

# a full file system: a 192 KiB tmpfs in a user and mount namespace, where the machine allows it
if unshare -rm true 2>/dev/null; then
  mkdir -p "$work/mnt"
  unshare -rm bash -c '
    mount -t tmpfs -o size=192k tmpfs "$1" || exit 99
    "$2" convert --no-progress --no-validate -q -o "$1/out" "$3" 2>/dev/null
    cp -a "$1/out" "$4/tmpfs.before"
    "$2" convert --no-progress --no-validate -q --to fhir,cda -o "$1/out" "$5" 2> "$4/err.txt"
    echo $? > "$4/code"
    cp -a "$1/out" "$4/tmpfs.after"' _ "$work/mnt" "$netconv" "$work/small.csv" "$work" "$work/big.csv"
  if [[ $(cat "$work/code" 2>/dev/null) == 99 || ! -f $work/code ]]; then
    echo "SKIP: full tmpfs case (mounting a tmpfs is not allowed here)"; skips=$((skips + 1))
  else
    check "full tmpfs: exit 3" 3 "$(cat "$work/code")"
    has "full tmpfs: names the file" "$work/err.txt" 'I/O error: .*(No space left|cannot)'
    check "full tmpfs: previous run intact" same "$(same_as "$work/tmpfs.before" "$work/tmpfs.after")"
  fi
else
  echo "SKIP: full tmpfs case (no user namespaces here: unshare -rm fails)"; skips=$((skips + 1))
fi

# closed standard descriptors: rejects.ndjson never becomes descriptor 0, 1 or 2
for fd in 0 1 2; do
  args=(convert --no-progress --no-validate -o "$work/c$fd" "$work/rejects.csv")
  case $fd in
    0) "$netconv" "${args[@]}" <&- ;;
    1) "$netconv" "${args[@]}" >&- ;;
    2) "$netconv" "${args[@]}" 2>&- ;;
  esac 2>/dev/null
  check "fd $fd closed: one run in the folder" ok "$(consistent "$work/c$fd")"
  check "fd $fd closed: rejects.ndjson is JSON lines only" 0 \
    "$(python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$work/c$fd/rejects.ndjson" 2>/dev/null; echo $?)"
done

# ---- §4: signals while blocked reading, option bounds ----
# waits up to 5 s for process $1 to end; sets code (its exit code) and took (tenths of a second)
ends_within() {
  local start=$(date +%s%N) t
  for ((t = 0; t < 50; ++t)); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  took=$(( ($(date +%s%N) - start) / 100000000 ))
  if kill -0 "$1" 2>/dev/null; then exec 7>&-; fi  # still blocked: let it read the end of input
  wait "$1"; code=$?
}
run_bg() { "$netconv" convert --no-progress --no-validate -q "$@" 7>&- & bg=$!; }
# SIGTERM with a FIFO held open with no data: the previous run (with its rejects) stays, the
# interrupted run's counts go to report.interrupted.json
nc -o "$work/s1" "$work/small.csv"
snapshot "$work/s1" "$work/s1.before"
mkfifo "$work/fifo"
exec 7<> "$work/fifo"
head -n 20 "$work/small.csv" >&7
run_bg -o "$work/s1" --batch 1 "$work/fifo" 2> "$work/err.txt"
sleep 2
kill -TERM "$bg"
ends_within "$bg"; bg=
exec 7>&-
check "SIGTERM while blocked on a FIFO: exit 130" 130 "$code"
check "SIGTERM while blocked on a FIFO: ends within 2 s" 1 "$((took <= 20))"
check "SIGTERM: previous run intact" same "$(same_as "$work/s1.before" "$work/s1")"
check "SIGTERM: counts in report.interrupted.json" 1 "$(grep -c '"interrupted":true' "$work/s1/report.interrupted.json" 2>/dev/null)"
has "SIGTERM: says the previous run is kept" "$work/err.txt" 'keeps the previous completed run'
# SIGINT with standard input a pipe that sends nothing
mkfifo "$work/pipe"
exec 7<> "$work/pipe"
"$netconv" convert --no-progress --no-validate -q -o "$work/s2" - < "$work/pipe" 2> /dev/null 7>&- & bg=$!
sleep 2
kill -INT "$bg"
ends_within "$bg"; bg=
exec 7>&-
check "SIGINT while blocked on a pipe: exit 130" 130 "$code"
check "SIGINT while blocked on a pipe: ends within 2 s" 1 "$((took <= 20))"

# SIGKILL during a --to fhir,cda run (once CDA documents are being written), then a --to fhir
# run: no temporaries, no CDA left
exec 7<> "$work/fifo"
cat "$work/big.csv" > "$work/fifo" 2>/dev/null & feeder=$!  # dies of SIGPIPE once nothing reads
run_bg --to fhir,cda --batch 1 -o "$work/k1" "$work/fifo"
for ((t = 0; t < 100; ++t)); do [[ -n $(find "$work/k1" -name '*.xml*' 2>/dev/null | head -n 1) ]] && break; sleep 0.1; done
kill -KILL "$bg"; wait "$bg" 2>/dev/null; bg=
exec 7>&-
kill "$feeder" 2>/dev/null; wait "$feeder" 2>/dev/null; feeder=
check "after SIGKILL: no file under a final name" "" "$(cd "$work/k1" && find . -path ./.netconv-run -prune -o -type f ! -name '*.part' -print)"
nc --to fhir -o "$work/k1" "$work/small.csv"
check "the run after a SIGKILL: one run, no temporaries" ok "$(consistent "$work/k1")"
check "the run after a SIGKILL: no .part file" "" "$(find "$work/k1" -name '*.part')"

for bad in "-j -1" "-j 100000" "-j 1025" "-j x" "--batch 0" "--batch -5" "--batch 1000001"; do
  timeout 20 "$netconv" convert --no-validate $bad -o "$work/opt" "$work/small.csv" 2> "$work/err.txt"
  check "$bad: exit 2" 2 "$?"
  has "$bad: says the bounds" "$work/err.txt" "(--jobs|--batch) must be a whole number from"
done
check "bad options: no output folder made" "" "$(ls -d "$work/opt" 2>/dev/null)"

echo "$passes passed, $fails failed, $skips skipped"
((fails == 0))
