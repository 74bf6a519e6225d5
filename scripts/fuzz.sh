#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 14, ASan + UBSan; the tree scripts/sanitize.sh builds) and
# runs each for a bounded time from its seed corpus (tests/fuzz/corpus/<target>/) with its
# dictionary (tests/fuzz/dict/). Fails when any target finds a crash, a leak, a timeout or an
# out-of-memory; the input that did it is kept in <build>/fuzz-artifacts/ for a regression test.
# New corpus entries go to a temporary directory, never into the source tree.
#
# Usage: scripts/fuzz.sh [SECONDS per target, default 60] [TARGET...]
# Environment: NETCONV_SANITIZE_BUILD (default build-asan/), NETCONV_JOBS (build jobs, default nproc),
#   NETCONV_FUZZ_KEEP=DIR keeps the grown corpora in DIR/<target>/ (for long local runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
(($# > 0)) && shift
targets=("$@")
((${#targets[@]})) || targets=(fuzz_csv_reader fuzz_ndjson_reader fuzz_naaccr_reader fuzz_mapping_tables fuzz_convert_record
                              fuzz_validate_json fuzz_validate_xml fuzz_bundle_prefilter)
build=${NETCONV_SANITIZE_BUILD:-$root/build-asan}
jobs=${NETCONV_JOBS:-$(nproc)}
bash "$root/scripts/install-deps.sh" --sanitize
if [[ ! -f $build/CMakeCache.txt ]] || ! grep -q '^NETCONV_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNETCONV_SANITIZE=ON -DNETCONV_FUZZ=ON >/dev/null
fi
cmake --build "$build" -j "$jobs" --target fuzz_targets

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work  # the targets' temporary mapping-table copies
artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fails=0
printf '%-22s %8s %10s %8s %8s  %s\n' target seconds execs exec/s corpus result
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/$t
  if [[ ! -x $bin ]]; then
    printf '%-22s %8s %10s %8s %8s  %s\n' "$t" - - - - "skipped (not built: see tests/fuzz/CMakeLists.txt)"
    continue
  fi
  case $t in
    fuzz_csv_reader | fuzz_convert_record | fuzz_mapping_tables) dict=csv ;;
    fuzz_ndjson_reader | fuzz_validate_json | fuzz_bundle_prefilter) dict=json ;;
    *) dict=xml ;;
  esac
  if [[ $t == fuzz_validate_json ]]; then
    pk=${NETCONV_FHIR_PACKAGES:-${HOME:-}/.cache/netconv/fhir-packages}
    if [[ ! -d $pk ]]; then
      printf '%-22s %8s %10s %8s %8s  %s\n' "$t" - - - - "skipped (no FHIR packages: scripts/install-fhir-packages.sh)"
      continue
    fi
  fi
  corpus=$work/corpus/$t
  [[ -n ${NETCONV_FUZZ_KEEP:-} ]] && corpus=$NETCONV_FUZZ_KEEP/$t
  mkdir -p "$corpus"
  log=$work/$t.log
  t0=$(date +%s)
  code=0
  # -timeout: one input taking longer is a hang; -rss_limit_mb: bounded memory
  "$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$t-" -dict="$root/tests/fuzz/dict/$dict.dict" \
    "$corpus" "$root/tests/fuzz/corpus/$t" > "$log" 2>&1 || code=$?
  elapsed=$(($(date +%s) - t0))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  size=$(find "$corpus" "$root/tests/fuzz/corpus/$t" -type f | wc -l)
  if ((code == 0)); then
    result=ok
  else
    result="FAILED (exit $code; input in $artifacts/)"
    fails=$((fails + 1))
  fi
  printf '%-22s %8s %10s %8s %8s  %s\n' "$t" "$elapsed" "${execs:-?}" "${rate:-?}" "$size" "$result"
  if ((code != 0)); then
    grep -E 'ERROR|SUMMARY|what\(\)|runtime error|invariant|Test unit written' "$log" | head -20 | sed 's/^/    /'
    tail -n 40 "$log" | sed 's/^/    | /' >&2
  fi
done
((fails == 0)) || { echo "fuzz.sh: $fails target(s) failed; reproduce with <build>/tests/fuzz/<target> <artifact>" >&2; exit 1; }
