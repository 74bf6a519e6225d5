#!/usr/bin/env bash
# Installs dependencies (Debian packages; the oracles' npm packages), builds, and runs every test:
# unit tests, golden tests of every sample, CLI contract tests and the conformance tests through
# the independent oracles in ../shared/oracles.
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
ctest --output-on-failure -j "$(nproc)" "$@"
