#!/usr/bin/env bash
# Benchmark: netconv and the reference peers on the same generated records, in one run.
# usage: bench/run_bench.sh [SIZES]      (default "10000 100000 1000000"; e.g. "10000" for a quick run)
# Prints a Markdown table (rows/s, output MB/s, peak RSS), what validation adds to each conversion
# (between runs, and as each validating run's report.json accounts for it), the netconv ÷ peer
# ratios, and
# writes them to bench/results/latest.md. The peers (JavaScript, ~1,000 rows/s) run only for sizes
# up to NETCONV_BENCH_PEER_MAX rows (default 100000): at 1 M rows peer A alone takes ~20 minutes.
# CSV -> CDA runs up to NETCONV_BENCH_CDA_MAX rows (default 100000): one ~30 kB document per
# patient is ~26 GB and ~850,000 files at 1 M rows.
# Every case writes into a folder of its own: creating files right after deleting many is several
# times slower on ext4 (it scans recently deleted inodes), which would charge one case for the
# previous one's clean-up. FHIR outputs are removed after their case; CDA folders at the end of a size.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=${1:-"10000 100000 1000000"}
bash "$root/scripts/install-deps.sh" --test >/dev/null
bash "$root/scripts/build.sh" >/dev/null
nc=$root/build/netconv
data=${NETCONV_BENCH_DATA:-$root/bench/data}
peers=$root/../shared/bench-peers
peer_max=${NETCONV_BENCH_PEER_MAX:-100000}
cda_max=${NETCONV_BENCH_CDA_MAX:-100000}
mkdir -p "$data" "$root/bench/results"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

measure() { # label rows outdir cmd... -> one table row
  local label=$1 rows=$2 dir=$3; shift 3
  python3 - "$label" "$rows" "$dir" "$@" <<'PY'
import os, resource, subprocess, sys, time
label, rows, outdir, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
t = time.perf_counter()
r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
secs = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
size = 0
for base, _, files in os.walk(outdir) if os.path.isdir(outdir) else []:
    size += sum(os.path.getsize(os.path.join(base, f)) for f in files)
if os.path.isfile(outdir):
    size = os.path.getsize(outdir)
print(f"| {label} | {rows:,} | {rows/secs:,.0f} | {size/1e6/secs:,.1f} | {rss:,.0f} | {secs:.2f} | {r.returncode} |")
# the run's own account of what validating cost (report.json timing.validation_seconds)
report = os.path.join(outdir, "report.json")
if os.path.isdir(outdir) and os.path.isfile(report):
    import json
    timing = json.loads(open(report).read()).get("timing", {})
    if timing.get("validation_seconds", 0) > 0:
        with open(os.environ["NETCONV_BENCH_VALIDATION_LOG"], "a") as log:
            log.write(f"{label}\t{rows:,}\t{timing['seconds']}\t{timing['validation_seconds']}\t{timing['validator_load_seconds']}\n")
PY
}

best_of_3() { # label rows outdir cmd... -> the fastest of three runs (for comparisons within a few %)
  local label=$1 rows=$2 dir=$3; shift 3
  for _ in 1 2 3; do
    measure "$label" "$rows" "$dir" "$@"
    rm -rf "$dir"
  done | python3 -c '
import sys
runs = [l for l in sys.stdin if l.startswith("|")]
print(max(runs, key=lambda l: float(l.split("|")[3].replace(",", ""))), end="")'
}

table=$out/table.md
export NETCONV_BENCH_VALIDATION_LOG=$out/validation.tsv
: > "$NETCONV_BENCH_VALIDATION_LOG"
{
  echo "| case | rows | rows/s | output MB/s | peak RSS MiB | seconds | exit |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
} > "$table"
for n in $sizes; do
  csv=$data/rows-$n.csv xml=$data/rows-$n.xml
  [[ -f $csv ]] || python3 "$root/bench/gen_registry.py" "$n" --seed 11 -o "$csv"
  [[ -f $xml ]] || python3 "$root/bench/gen_registry.py" "$n" --seed 11 --format naaccr-xml -o "$xml"
  for j in 1 2; do
    for v in "no validation:--no-validate" "validation:"; do
      label=${v%%:*} flag=${v#*:}
      measure "CSV → FHIR, -j $j, $label" "$n" "$out/f" "$nc" convert -q -j $j $flag -o "$out/f" "$csv" >> "$table" || true
      rm -rf "$out/f"
      if ((n <= cda_max)); then
        measure "CSV → CDA, -j $j, $label" "$n" "$out/c$j$flag" "$nc" convert -q -j $j $flag --to cda -o "$out/c$j$flag" "$csv" >> "$table" || true
      fi
      measure "NAACCR XML → FHIR, -j $j, $label" "$n" "$out/x" "$nc" convert -q -j $j $flag -o "$out/x" "$xml" >> "$table" || true
      rm -rf "$out/x"
    done
  done
  # what the validation result cache saves (docs/validation.md): the same run validating in full
  measure "CSV → FHIR, -j 1, validation without the result cache" "$n" "$out/f" "$nc" convert -q -j 1 --no-validation-cache -o "$out/f" "$csv" >> "$table" || true
  rm -rf "$out/f"
  # ... and what the CDA shape memo saves (docs/cda.md): every document through libxml2
  if ((n <= cda_max)); then
    measure "CSV → CDA, -j 1, validation without the shape memo" "$n" "$out/cnc" "$nc" convert -q -j 1 --no-validation-cache --to cda -o "$out/cnc" "$csv" >> "$table" || true
  fi
  # bad rows cost no speed (issue F): 0.5 % defective records against the same clean records,
  # -j 1, best of three each (the difference sought is a few percent)
  if ((n <= peer_max)); then
    bad=$data/rows-$n-bad.csv
    [[ -f $bad ]] || python3 "$root/bench/gen_registry.py" "$n" --seed 11 --bad-rate 0.005 -o "$bad"
    for v in "no validation:--no-validate" "validation:"; do
      label=${v%%:*} flag=${v#*:}
      best_of_3 "clean rows, CSV → FHIR, -j 1, $label" "$n" "$out/g" "$nc" convert -q -j 1 $flag -o "$out/g" "$csv" >> "$table" || true
      best_of_3 "0.5 % bad rows, CSV → FHIR, -j 1, $label" "$n" "$out/b" "$nc" convert -q -j 1 $flag -o "$out/b" "$bad" >> "$table" || true
    done
  fi
  if [[ -f $peers/gen_net_rows.py ]] && ((n <= peer_max)); then
    pcsv=$data/peer-$n.csv
    [[ -f $pcsv ]] || python3 "$peers/gen_net_rows.py" "$n" --seed 11 -o "$pcsv"
    python3 "$peers/to_contract.py" < "$pcsv" > "$data/peer-$n.netconv.csv"
    measure "peer A (Liquid) → FHIR" "$n" "$out/pa.ndjson" bash "$peers/run-peer.sh" a "$pcsv" "$out/pa.ndjson" >> "$table" || true
    measure "peer A (Liquid) → FHIR, validation" "$n" "$out/pav.ndjson" bash "$peers/run-peer.sh" a "$pcsv" "$out/pav.ndjson" --validate >> "$table" || true
    measure "netconv same rows → FHIR, -j 1" "$n" "$out/same" "$nc" convert -q -j 1 -o "$out/same" "$data/peer-$n.netconv.csv" >> "$table" || true
    measure "netconv same rows → FHIR, -j 2" "$n" "$out/same2" "$nc" convert -q -j 2 -o "$out/same2" "$data/peer-$n.netconv.csv" >> "$table" || true
    measure "peer B (medplum FHIR → C-CDA)" "$n" "$out/pb.xml" bash "$peers/run-peer.sh" b "$out/pa.ndjson" "$out/pb.xml" >> "$table" || true
    measure "netconv same rows → CDA, -j 1" "$n" "$out/samec" "$nc" convert -q -j 1 --to cda -o "$out/samec" "$data/peer-$n.netconv.csv" >> "$table" || true
    rm -rf "$out"/pa*.ndjson "$out/pb.xml" "$out/same" "$out/same2"
  fi
  rm -rf "$out"/c* "$out/samec"
done
{
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "netconv $("$nc" --version | cut -d' ' -f2), $(date -u +%Y-%m-%d)"
  echo
  cat "$table"
  echo
  python3 - "$NETCONV_BENCH_VALIDATION_LOG" <<'PY'
# issue C, as each validating run accounts for it itself: seconds spent loading the validators and
# checking outputs, against the rest of the run (one-run figures, free of run-to-run noise)
import sys
for line in open(sys.argv[1]):
    label, rows, secs, checks, load = line.rstrip("\n").split("\t")
    secs, checks, load = float(secs), float(checks), float(load)
    if "-j 1" in label and secs > checks:  # with more threads the checks' seconds are summed over them
        own = secs - checks
        print(f"- {rows} rows, {label}: validation {load:.2f} s loading + {checks:.2f} s checking, against {own:.2f} s converting: "
              f"{100 * (load + checks) / own:.0f} % ({100 * checks / own:.0f} % without the load) (report.json)")
PY
  echo
  python3 - "$table" <<'PY'
# netconv ÷ peer on the same records, per size (rows/s and peak RSS)
import sys
rows, secs = {}, {}
for line in open(sys.argv[1]):
    c = [x.strip() for x in line.strip().strip("|").split("|")]
    if len(c) == 7 and c[1].replace(",", "").isdigit():
        rows[(c[0], c[1])] = (float(c[2].replace(",", "")), float(c[4].replace(",", "")))
        secs[(c[0], c[1])] = float(c[5])
pairs = [("netconv same rows → FHIR, -j 1", "peer A (Liquid) → FHIR, validation", "FHIR, both validating"),
         ("netconv same rows → FHIR, -j 1", "peer A (Liquid) → FHIR", "FHIR, netconv validating, peer A not"),
         ("netconv same rows → CDA, -j 1", "peer B (medplum FHIR → C-CDA)", "CDA")]
for size in sorted({s for _, s in rows}, key=lambda s: int(s.replace(",", ""))):
    for a, b, what in pairs:
        if (a, size) in rows and (b, size) in rows and rows[(b, size)][0] > 0:
            (ra, ma), (rb, mb) = rows[(a, size)], rows[(b, size)]
            print(f"- {size} rows, {what}: netconv ÷ peer = {ra / rb:.1f}× rows/s, {ma / mb:.2f}× peak RSS")
    # issue C: what validating every output costs, as a share of the conversion without it
    for case in ("CSV → FHIR", "NAACCR XML → FHIR", "CSV → CDA"):
        for j in (1, 2):
            off, on = (f"{case}, -j {j}, no validation", size), (f"{case}, -j {j}, validation", size)
            if off in secs and on in secs and secs[off] > 0:
                print(f"- {size} rows, {case}, -j {j}: validation adds {100 * (secs[on] / secs[off] - 1):.0f} % to the conversion time")
    full, off = ("CSV → FHIR, -j 1, validation without the result cache", size), ("CSV → FHIR, -j 1, no validation", size)
    if full in secs and off in secs and secs[off] > 0:
        print(f"- {size} rows, CSV → FHIR, -j 1, without the result cache: validation adds {100 * (secs[full] / secs[off] - 1):.0f} %")
    full, off = ("CSV → CDA, -j 1, validation without the shape memo", size), ("CSV → CDA, -j 1, no validation", size)
    if full in secs and off in secs and secs[off] > 0:
        print(f"- {size} rows, CSV → CDA, -j 1, without the shape memo: validation adds {100 * (secs[full] / secs[off] - 1):.0f} %")
    for label in ("no validation", "validation"):
        clean, bad = (f"clean rows, CSV → FHIR, -j 1, {label}", size), (f"0.5 % bad rows, CSV → FHIR, -j 1, {label}", size)
        if clean in rows and bad in rows and rows[clean][0] > 0:
            print(f"- {size} rows, 0.5 % bad rows, {label}: rows/s ÷ clean run = {rows[bad][0] / rows[clean][0]:.3f}")
PY
} | tee "$root/bench/results/latest.md"
