#!/usr/bin/env bash
# netconv on a real Dask cluster (README "Running on a cluster"): a dask-scheduler and two
# dask-worker processes on 127.0.0.1 (free ports, bounded in time, always stopped), the shipped
# driver scripts/netconv-dask runs 4 shards and the merge on them; the merged folder holds the
# bytes of one local run (report.json's timing line aside). Skipped (77) without python3-distributed.
set -uo pipefail
netconv=$1 root=$2
source "$root/tests/cli/assert.sh"
# Debian's python3 has the module; a python3 earlier on PATH (pyenv, a venv) may not
py=
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import distributed' 2>/dev/null; then py=$candidate; break; fi
done
if [[ -z $py ]] || ! command -v dask-scheduler >/dev/null || ! command -v dask-worker >/dev/null; then
  echo "SKIP: python3-distributed (dask-scheduler, dask-worker) is not installed: scripts/install-deps.sh --test"
  exit 77
fi
work=$(mktemp -d)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.3; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap stop EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
export DASK_DISTRIBUTED__WORKER__DAEMON=False
timeout 120 dask-scheduler --host 127.0.0.1 --port "$port" --dashboard-address 127.0.0.1:0 >"$work/scheduler.log" 2>&1 &
pids+=($!)
for w in 1 2; do
  timeout 120 dask-worker "tcp://127.0.0.1:$port" --host 127.0.0.1 --nthreads 1 --no-nanny --no-dashboard --local-directory "$work/w$w" \
    >"$work/worker$w.log" 2>&1 &
  pids+=($!)
done

python3 "$root/bench/gen_registry.py" 800 --seed 41 --bad-rate 0.03 -o "$work/export.csv"
"$netconv" convert -q --no-validate --to fhir,cda -j 2 -o "$work/local" "$work/export.csv" 2>/dev/null
local_code=$?
timeout 90 "$py" "$root/scripts/netconv-dask" -v --scheduler "tcp://127.0.0.1:$port" --shards 4 --wait-workers 2 --timeout 60 \
  --work "$work/shards" -o "$work/merged" --netconv "$netconv" -- --no-validate --to fhir,cda -j 1 "$work/export.csv" 2>"$work/driver.err"
code=$?
check "driver exit = the local run's exit" "$local_code" "$code"
[[ $code == "$local_code" ]] || { cat "$work/driver.err"; tail -5 "$work"/*.log; }
workers=$(grep -o 'ran on tcp://[0-9.:]*' "$work/driver.err" | sort -u | wc -l)
check "both workers ran shards" 2 "$workers"
for d in local merged; do
  sed -i 's/^,"timing":.*/}/' "$work/$d/report.json"
  sed -i 's|^\(<tr class="varies"><th>[^<]*</th><td>\).*\(</td></tr>\)$|\1\2|' "$work/$d/report.html"
done
if diff -r "$work/local" "$work/merged" >"$work/diff"; then passes=$((passes + 1))
else echo "FAIL: the merged Dask run differs from one local run:"; head -20 "$work/diff"; fails=$((fails + 1)); fi
echo "dask_test: $passes passed, $fails failed"
((fails == 0))
