#!/usr/bin/env bash
# Builds the whole test suite with clang 14, AddressSanitizer and UndefinedBehaviorSanitizer
# (-DNETCONV_SANITIZE=ON; the libFuzzer targets are built in the same tree, -DNETCONV_FUZZ=ON, so
# scripts/fuzz.sh reuses it) and runs it with ctest: unit tests, golden samples, CLI contract,
# hostile-input and PHI tests. Excluded: the conformance oracles (Node.js, slow; they test
# netconv's output, not its memory safety), the FHIR server loading tests (server.*: Node.js, they
# test loading semantics) and cli.scale (large inputs for flat memory and thread
# independence: over 10 minutes under the sanitizers on 2 cores; the same code paths run in the
# other tests), the lints (lint.*: they read the source, they do not run it), the Debian package
# and installed-library tests (package.*, install.*: they package a Release build), the cluster
# tests (cluster.*: Dask processes drive netconv; the shard and merge code runs in cli.shard). Any sanitizer
# report fails the test that hit it.
#
# Usage: scripts/sanitize.sh [ctest options...]     e.g. scripts/sanitize.sh -R 'Security|hostile'
# Environment: NETCONV_SANITIZE_BUILD (default build-asan/), NETCONV_JOBS (default nproc).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${NETCONV_SANITIZE_BUILD:-$root/build-asan}
jobs=${NETCONV_JOBS:-$(nproc)}
bash "$root/scripts/install-deps.sh" --sanitize
start=$(date +%s)
CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNETCONV_SANITIZE=ON -DNETCONV_FUZZ=ON -DNETCONV_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$jobs"
built=$(date +%s)
# halt on the first report; leaks count too. The process-wide options reach netconv itself when
# the CLI and golden tests run it.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
code=0
ctest --output-on-failure -j "$jobs" -E '^(conformance\.|server\.|cluster\.|mappings\.export_terminology|cli\.scale$|lint\.|package\.|install\.)' "$@" || code=$?
echo "sanitize.sh: build $((built - start))s, tests $(($(date +%s) - built))s (build dir $build)" >&2
exit $code
