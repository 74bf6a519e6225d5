#!/usr/bin/env bash
# Installs dependencies (Debian packages; the oracles' npm packages), builds, and runs every test:
# unit tests, golden tests of every sample, CLI contract tests and the conformance tests through
# the independent oracles in ../shared/oracles (tests that need ../shared skip, counted at the end).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh" --test
# FHIR definition packages (mCODE IG, R4 definitions) for the built-in validator, from npm
bash "$root/scripts/install-fhir-packages.sh" --with-schema >/dev/null
if [[ -x $root/../shared/oracles/fhir/setup.sh || -f $root/../shared/oracles/fhir/setup.sh ]]; then
  bash "$root/../shared/oracles/fhir/setup.sh" >/dev/null
fi
bash "$root/scripts/build.sh" -DNETCONV_BUILD_TESTS=ON
cd "$root/build"
# ctest's own closing lines stay as they are (CI reads them); the skipped tests (reference material
# from ../shared absent beside a clone, libclang's Python bindings for the function-length lint:
# each says what it needed) are counted on a last line.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
ctest --output-on-failure -j "$(nproc)" "$@" 2>&1 | tee "$log" || status=$?
skipped=$(grep -c '(Skipped)$' "$log" || true)
echo "skipped: $skipped test(s)$( ((skipped)) && echo " (listed above under 'did not run'; each says what it needed: ../shared, or libclang for lint.function_length)")"
exit "$status"
