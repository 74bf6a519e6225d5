#!/usr/bin/env bash
# install.consumer: the library as an outside project sees it. Installs the library components
# of BUILD into a temporary prefix, builds tests/install/consumer against that tree only (with
# find_package(netconv CONFIG), shared and static, and with pkg-config), converts a sample in
# memory with each and compares the resources with the CLI's for the same sample. Also checks
# that the private dependencies stay private: the shared consumer's program does not need
# libxml2, and the shared library exports no internal class.
# Usage: run_consumer.sh BUILD_DIR SOURCE_DIR NETCONV_BINARY     (exit 77 = skipped)
set -euo pipefail
build=$1 src=$2 netconv=$3
for tool in cmake c++ pkg-config readelf nm; do
  command -v "$tool" >/dev/null || { echo "skipped: needs $tool"; exit 77; }
done
[[ -n $(find "$build" -maxdepth 1 -name 'libnetconv.so*' -print -quit) ]] \
  || { echo "skipped: $build builds no installable library (sanitizer or fuzzing build)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
# everything: the library finds its data (mappings) installed beside it
cmake --install "$build" --prefix "$prefix" >/dev/null
sample=$src/samples/01-ileal-net-carcinoid-syndrome/input.csv
fail() { echo "FAIL: $*"; exit 1; }

cmake -S "$src/tests/install/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null \
  || fail "find_package(netconv CONFIG) against the installed tree"
cmake --build "$work/consumer" -j2 >/dev/null || fail "the consumer project does not build against the installed tree"
libdir=$(dirname "$(find "$prefix" -name 'libnetconv.so' | head -n 1)")
pc_dir=$(find "$prefix" -name netconv.pc -printf '%h\n' | head -n 1)
# pkg-config: the compile and link flags only, as a Makefile would take them
c++ -std=c++20 "$src/tests/install/consumer/main.cpp" -o "$work/consumer-pc" \
  $(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags --libs netconv) -Wl,-rpath,"$libdir" || fail "pkg-config build"

(cd "$work" && "$netconv" convert --to fhir --quiet -o "$work/cli" "$sample") || fail "the CLI run"
# meta.source names the run: the input file's digest in a CLI run, the engine in a library call
mask_run() { sed -E 's/:run:[0-9a-f]{16}"/:run:RUN"/g' | sort; }
cat "$work"/cli/fhir/*.ndjson | mask_run > "$work/cli.txt"
[[ -s $work/cli.txt ]] || fail "the CLI wrote no resources"
for program in "$work/consumer/consumer" "$work/consumer/consumer_static" "$work/consumer-pc"; do
  "$program" "$src/mappings" "$sample" > "$work/out.txt" || fail "$program exited $?"
  mask_run < "$work/out.txt" | cmp -s - "$work/cli.txt" || fail "$program: resources differ from the CLI's ($(mask_run < "$work/out.txt" | diff - "$work/cli.txt" | head -c 300))"
  echo "ok: $(basename "$program") gives the CLI's $(wc -l < "$work/cli.txt") resources"
done

# with no mappings folder given, the shared library uses the tables installed beside it
"$work/consumer/consumer" "" "$sample" | mask_run | cmp -s - "$work/cli.txt" || fail "the installed tables were not found beside the library"
tables=$(find "$prefix" -name concepts.tsv -path '*share/netconv/mappings*' | head -n 1)
[[ -n $tables ]] || fail "no mapping tables installed"
echo "broken	row" >> "$tables"
set +e
"$work/consumer/consumer" "" "$sample" > /dev/null 2> "$work/err.txt"
code=$?
set -e
[[ $code == 2 ]] && grep -q "$prefix" "$work/err.txt" || fail "the installed tables are not the ones used (exit $code: $(head -c 300 "$work/err.txt"))"
echo "ok: the installed library reads the tables installed beside it"

# private dependencies stay private
needed=$(readelf -d "$work/consumer/consumer" | grep NEEDED || true)
grep -q 'libnetconv\.so\.' <<<"$needed" || fail "the shared consumer does not link libnetconv.so: $needed"
! grep -q libxml2 <<<"$needed" || fail "libxml2 leaked into the shared consumer's link: $needed"
soname=$(readelf -d "$libdir/libnetconv.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[[ $soname =~ ^libnetconv\.so\.[0-9]+(\.[0-9]+)?$ ]] || fail "unexpected SONAME '$soname'"
# only the public API and its classes' type information (cmake/netconv.map)
internal=$(nm -DC --defined-only "$libdir/libnetconv.so" | cut -d' ' -f3- \
  | grep -vE '^(netconv::(Engine|Sink|Error|check_mappings|library_version)|(typeinfo|typeinfo name|vtable) for netconv::(Sink|Error)$)' | head -n 5 || true)
[[ -z $internal ]] || fail "symbols beyond the public API exported: $internal"
nm -DC --defined-only "$libdir/libnetconv.so" | grep -q 'netconv::Engine::convert' || fail "Engine::convert is not exported"
! grep -rqE '#include "(core|pipeline|mapping|formats|validation|writers|readers)/' "$prefix/include" || fail "an installed header includes an internal one"
echo "ok: SONAME $soname, no internal symbol exported, libxml2 not needed by the consumer"
