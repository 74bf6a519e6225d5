#!/usr/bin/env bash
# The src/ lints on fixtures that break their rules: strict mode fails and names each offender
# with its file and line, report mode passes listing the same, and nothing keeping the rule is
# listed. Usage: lint_test.sh issue_letters|function_length SOURCE_ROOT
set -uo pipefail
lint=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run_lint EXPECTED_STATUS [env...] -- command...: output in $tmp/out
run_lint() {
  local expected=$1
  shift
  env "$@" >"$tmp/out" 2>&1
  local status=$?
  [[ $status == 77 ]] && { cat "$tmp/out"; exit 77; }
  [[ $status == "$expected" ]] || { fail "exit $status, expected $expected: $*"; cat "$tmp/out"; }
}

# expect_listed NAME... : exactly these "file:line" offenders, in order
expect_listed() {
  local got want
  got=$(grep -oE '^[^ ]+:[0-9]+:' "$tmp/out" | sed 's/:$//' | tr '\n' ' ')
  want="${*:+$* }"
  [[ $got == "$want" ]] || fail "listed [$got], expected [$want]"
}

if [[ $lint == issue_letters ]]; then
  mkdir -p "$tmp/src"
  cp "$root/tests/lint/fixture/cites_issues.cpp" "$tmp/src/"
  want=$(grep -n 'CITES' "$tmp/src/cites_issues.cpp" | grep -v '^[12]:' | cut -d: -f1 | sed 's|^|src/cites_issues.cpp:|' | tr '\n' ' ')
  lint_cmd=(python3 "$root/scripts/check_issue_letters.py" --root "$tmp/src")
  run_lint 1 NETCONV_LINT_STRICT=1 "${lint_cmd[@]}"
  expect_listed $want
  run_lint 1 NETCONV_LINT_STRICT= "${lint_cmd[@]}" --strict
  run_lint 0 NETCONV_LINT_STRICT= "${lint_cmd[@]}"
  expect_listed $want
  grep -q '^5 comment(s) citing issues' "$tmp/out" || fail "summary: $(tail -1 "$tmp/out")"
elif [[ $lint == function_length ]]; then
  mkdir -p "$tmp/src" "$tmp/build"
  # body N: N statement lines; a definition is its signature, N + 1 lines and its closing brace
  body() { for ((i = 0; i < $1; ++i)); do echo "  x += $i;"; done; }
  {
    echo "int at_limit(int x) {"; body 77; echo "  return x;"; echo "}"             # lines 1-80: 80 lines
    echo "int over_limit(int x) {"; body 78; echo "  return x;"; echo "}"           # lines 81-161: 81 lines
    echo "struct S {"                                                              # line 162
    echo "  int method(int x) {"; body 80; echo "    return x;"; echo "  }"        # lines 163-245: 83 lines
    echo "};"                                                                      # line 246
    echo "auto lambda = [](int x) {"; body 79; echo "  return x;"; echo "};"       # lines 247-328: 82 lines
    echo "int short_one(int x) { return x; }"
    echo '#include "inline.hpp"'
  } >"$tmp/src/long.cpp"
  { echo "inline int in_header(int x) {"; body 79; echo "  return x;"; echo "}"; } >"$tmp/src/inline.hpp"  # 82 lines
  printf '[{"directory": "%s", "file": "%s", "command": "c++ -std=c++20 -c %s -o long.o"}]\n' \
    "$tmp/src" "$tmp/src/long.cpp" "$tmp/src/long.cpp" >"$tmp/build/compile_commands.json"
  lint_cmd=(python3 "$root/scripts/check_function_length.py" --build "$tmp/build" --root "$tmp/src" --jobs 1)
  want="src/inline.hpp:1 src/long.cpp:81 src/long.cpp:163 src/long.cpp:247"
  run_lint 1 NETCONV_LINT_STRICT=1 "${lint_cmd[@]}"
  expect_listed $want
  grep -q 'over_limit: 81 lines' "$tmp/out" || fail "length of over_limit: $(cat "$tmp/out")"
  grep -q 'S::method: 83 lines' "$tmp/out" || fail "length of S::method: $(cat "$tmp/out")"
  grep -q 'lambda in lambda: 82 lines' "$tmp/out" || fail "length of the lambda: $(cat "$tmp/out")"
  run_lint 0 NETCONV_LINT_STRICT= "${lint_cmd[@]}"
  expect_listed $want
  run_lint 0 NETCONV_LINT_STRICT= "${lint_cmd[@]}" --max 90
  expect_listed
  # a kept answer is not reused once an included header changed
  echo "inline int in_header(int x) { return x; }" >"$tmp/src/inline.hpp"
  run_lint 1 NETCONV_LINT_STRICT=1 "${lint_cmd[@]}"
  expect_listed src/long.cpp:81 src/long.cpp:163 src/long.cpp:247
  # a translation unit libclang cannot read in full is not vouched for in strict mode
  mkdir -p "$tmp/bad/src" "$tmp/bad/build"
  echo "int broken( {" >"$tmp/bad/src/broken.cpp"
  printf '[{"directory": "%s", "file": "%s", "command": "c++ -std=c++20 -c %s"}]\n' \
    "$tmp/bad/src" "$tmp/bad/src/broken.cpp" "$tmp/bad/src/broken.cpp" >"$tmp/bad/build/compile_commands.json"
  bad_cmd=(python3 "$root/scripts/check_function_length.py" --build "$tmp/bad/build" --root "$tmp/bad/src" --jobs 1)
  run_lint 1 NETCONV_LINT_STRICT=1 "${bad_cmd[@]}"
  grep -q 'parse error' "$tmp/out" || fail "no parse error reported: $(cat "$tmp/out")"
  run_lint 0 NETCONV_LINT_STRICT= "${bad_cmd[@]}"
else
  echo "usage: lint_test.sh issue_letters|function_length SOURCE_ROOT" >&2
  exit 2
fi
((failures == 0)) && echo "ok: $lint"
exit $((failures > 0))
