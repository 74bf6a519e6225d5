#!/usr/bin/env bash
# The Debian package: cpack -G DEB builds netconv_<version>_amd64.deb from the build tree; its
# control data declares maintainer, section, description and the shared-library dependencies
# dpkg-shlibdeps found; it holds the binary, tables, schemas, man page, completion and license
# files; unpacked with dpkg-deb -x into a temporary root, its binary finds its data under that root
# (not in the source tree) and converts a golden sample to the expected bytes. Release builds only
# (a debug or sanitizer binary is not what ships); skipped, saying why, without cpack/dpkg-deb/
# dpkg-shlibdeps.
# Usage: deb_test.sh BUILD_DIR SOURCE_DIR BUILD_TYPE VERSION
set -uo pipefail
build=$1 root=$2 build_type=$3 version=$4
[[ $build_type == Release ]] || { echo "skipped: the package is tested in Release builds only (this is '$build_type')"; exit 77; }
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" > /dev/null || { echo "skipped: needs $tool (Debian's cmake / dpkg-dev)"; exit 77; }
done
source "$root/tests/cli/assert.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# build the package (its staging area in the temporary folder, not the build tree)
start=$(date +%s)
(cd "$build" && cpack -G DEB -B "$work/pkg" > "$work/cpack.txt" 2>&1); check "cpack succeeds" 0 $?
deb=$work/pkg/netconv_${version}_amd64.deb
[[ -f $deb ]] || { echo "FAIL: no $deb; cpack said:"; tail -n 20 "$work/cpack.txt"; ls "$work/pkg"; exit 1; }
echo "package built in $(($(date +%s) - start))s: $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# control data
dpkg-deb -I "$deb" > "$work/info.txt"; check "dpkg-deb -I" 0 $?
has "package name" "$work/info.txt" "^ Package: netconv$"
has "version is the project's" "$work/info.txt" "^ Version: $version$"
has "architecture" "$work/info.txt" "^ Architecture: amd64$"
has "maintainer" "$work/info.txt" "^ Maintainer: .+<.+@.+>$"
has "section" "$work/info.txt" "^ Section: science$"
has "description" "$work/info.txt" "^ Description: convert neuroendocrine tumor registry data"
for lib in libc6 libstdc\\+\\+6 libxml2 libboost-program-options; do
  has "depends on $lib" "$work/info.txt" "^ Depends: .*$lib"
done
if [[ $(ldd "$build/netconv") == *libjemalloc* ]]; then has "depends on jemalloc" "$work/info.txt" "^ Depends: .*libjemalloc"; fi
sed -n 's/^ Depends: /declared dependencies: /p' "$work/info.txt"

# contents
dpkg-deb -c "$deb" | awk '{ print $6 }' > "$work/files.txt"
for f in ./usr/bin/netconv ./usr/share/netconv/mappings/concepts.tsv ./usr/share/netconv/schemas/cda/netconv-ccda.xsd \
         ./usr/share/netconv/install-fhir-packages.sh ./usr/share/man/man1/netconv.1.gz \
         ./usr/share/bash-completion/completions/netconv ./usr/share/doc/netconv/LICENSE \
         ./usr/share/doc/netconv/NOTICE ./usr/share/doc/netconv/copyright ./usr/share/doc/netconv/CHANGELOG.md; do
  has "package holds $f" "$work/files.txt" "^${f//./\\.}$"
done
check "every mapping table is packaged" "$(ls "$root/mappings" | wc -l)" "$(grep -c '^\./usr/share/netconv/mappings/.' "$work/files.txt")"

# unpacked into a temporary root: the binary reads that root's tables and converts a golden sample
dpkg-deb -x "$deb" "$work/root"; check "dpkg-deb -x" 0 $?
nc=$work/root/usr/bin/netconv
"$nc" --version > "$work/version.txt"; check "unpacked --version" 0 $?
check "unpacked binary's version" "netconv $version" "$(head -n 1 "$work/version.txt")"
has "tables found under the unpacked root" "$work/version.txt" "^mapping tables: $work/root/usr/share/netconv/mappings \(sha256 [0-9a-f]{64}\)$"
check "packaged tables are the source's" "$(sed -n 's/^mapping tables: .*(sha256 \(.*\))$/\1/p' "$work/version.txt")" \
  "$(NETCONV_MAPPINGS=$root/mappings "$build/netconv" --version | sed -n 's/^mapping tables: .*(sha256 \(.*\))$/\1/p')"
for sample in 01-ileal-net-carcinoid-syndrome naaccr-01-registry-export-v25; do
  (cd "$work" && bash "$root/tests/golden/run_golden.sh" "$nc" "$root/samples/$sample") > "$work/golden.txt" 2>&1
  check "unpacked binary converts $sample to the golden output" 0 $?
  [[ $fails == 0 ]] || cat "$work/golden.txt"
done

# without its tables the unpacked binary stops naming where they belong, never reading the source tree
rm -r "$work/root/usr/share/netconv/mappings"
"$nc" convert -o "$work/out" "$root/samples/01-ileal-net-carcinoid-syndrome/input.csv" > /dev/null 2> "$work/err.txt"
check "missing packaged tables: configuration error" 2 $?
has "the error names the packaged location" "$work/err.txt" "$work/root/usr/share/netconv/mappings"

echo "package test: $passes passed, $fails failed in $(($(date +%s) - start))s"
exit $((fails > 0))
