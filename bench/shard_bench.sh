#!/usr/bin/env bash
# Shards on Dask against one run (docs/benchmarks.md "Shards on Dask and merge"): ROWS generated
# rows converted CSV -> FHIR with validation by one `-j 2` run, and by 2 shards (`-j 1` each) on a
# local Dask cluster of two single-thread workers (scripts/netconv-dask; the merge included); then
# `netconv merge` of 4 shards (converted without validation) of MERGE_ROWS rows, timed alone.
# Prints seconds and rows/s.
# usage: bench/shard_bench.sh NETCONV [ROWS (default 200000)] [MERGE_ROWS (default ROWS)]
#        [PYTHON with distributed (default /usr/bin/python3)]
set -euo pipefail
netconv=$(realpath "$1") rows=${2:-200000} merge_rows=${3:-${2:-200000}} py=${4:-/usr/bin/python3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$work"' EXIT
python3 "$root/bench/gen_registry.py" "$rows" --seed 7 -o "$work/in.csv"
secs() { local t0=$(date +%s.%N); "$@"; echo "$(date +%s.%N) - $t0" | bc; }
rate() { echo "scale=0; $rows / $1" | bc; }

t=$(secs "$netconv" convert -q --no-progress --to fhir -j 2 -o "$work/one" "$work/in.csv")
echo "one run, -j 2: ${t}s, $(rate "$t") rows/s"

port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dask-scheduler --host 127.0.0.1 --port "$port" --dashboard-address 127.0.0.1:0 >"$work/s.log" 2>&1 & pids+=($!)
for w in 1 2; do
  dask-worker "tcp://127.0.0.1:$port" --host 127.0.0.1 --nthreads 1 --no-dashboard --local-directory "$work/w$w" >"$work/w$w.log" 2>&1 & pids+=($!)
done
"$py" -c "from distributed import Client; Client('tcp://127.0.0.1:$port', timeout=60).wait_for_workers(2, timeout=60)"
t=$(secs "$py" "$root/scripts/netconv-dask" --scheduler "tcp://127.0.0.1:$port" --shards 2 --wait-workers 2 \
      --work "$work/dask" -o "$work/dask-out" --netconv "$netconv" -- --to fhir -j 1 "$work/in.csv")
echo "2 shards on 2 Dask workers (-j 1 each, merge included): ${t}s, $(rate "$t") rows/s"

python3 "$root/bench/gen_registry.py" "$merge_rows" --seed 8 -o "$work/merge.csv"
for k in 1 2 3 4; do "$netconv" convert -q --no-progress --no-validate --to fhir -j 2 --shard $k/4 -o "$work/s$k" "$work/merge.csv"; done
t=$(secs "$netconv" merge -q -o "$work/merged" "$work/s1" "$work/s2" "$work/s3" "$work/s4")
echo "merge of 4 shards of $merge_rows rows ($(du -sh "$work/merged" | cut -f1) of output): ${t}s"
