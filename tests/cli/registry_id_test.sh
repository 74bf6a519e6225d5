#!/usr/bin/env bash
# The registry id on the command line: --registry-id, registry_id in --cda-config and a NAACCR
# file's registryId name the identifier systems (README "What ids mean"); the flag wins; a bad id
# is a usage/config error (exit 2); server-bound output (the bundle layout) without any registry id
# warns NC-ID-003 exactly once per run, and output with one never does.
# Usage: registry_id_test.sh NETCONV ROOT
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
csv=$root/samples/01-ileal-net-carcinoid-syndrome/input.csv
naaccr=$(ls "$root"/samples/*/input.xml | head -n 1)
run() { # name input [options]: exit code; stderr in $work/name.err
  local name=$1 input=$2
  shift 2
  "$netconv" convert --no-progress --no-validate -j 2 -o "$work/$name" "$@" "$input" > /dev/null 2> "$work/$name.err"
  echo $?
}
warnings() { grep -c "NC-ID-003" "$work/$1.err" || true; }

check "bundle without registry id converts" 0 "$(run none "$csv" --fhir-layout bundle)"
check "bundle without registry id: one NC-ID-003" 1 "$(warnings none)"
check "NC-ID-003 counted in report.json" 1 "$(grep -o '"NC-ID-003":[0-9]*' "$work/none/report.json" | cut -d: -f2)"
check "bulk layout converts" 0 "$(run bulk "$csv")"
check "bulk layout: no NC-ID-003" 0 "$(warnings bulk)"

check "--registry-id converts" 0 "$(run flag "$csv" --fhir-layout bundle --registry-id REG.A-1)"
check "--registry-id: no NC-ID-003" 0 "$(warnings flag)"
# a delta is meant for a server whatever its layout (the previous run had a registry id, so every
# patient is converted again, now on the default systems)
check "bulk delta without registry id converts" 0 "$(run delta "$csv" --since "$work/flag")"
check "bulk delta without registry id: one NC-ID-003" 1 "$(warnings delta)"
has "--registry-id names the fact system" "$work/flag/fhir/bundles.ndjson" '"system":"urn:netconv:registry:REG.A-1:fact","value":"[^"]+/1/primary"'
has "--registry-id names the patient system" "$work/flag/fhir/bundles.ndjson" '"identifier":\[\{"system":"urn:netconv:registry:REG.A-1:patient"'

printf 'registry_id = REG-B\n' > "$work/reg.conf"
check "registry_id in --cda-config converts" 0 "$(run conf "$csv" --fhir-layout bundle --cda-config "$work/reg.conf")"
has "registry_id in --cda-config names the systems" "$work/conf/fhir/bundles.ndjson" 'urn:netconv:registry:REG-B:fact'
check "the flag wins over the config" 0 "$(run both "$csv" --cda-config "$work/reg.conf" --registry-id REG-C)"
has "the flag wins over the config: its system" "$work/both/fhir/Condition.ndjson" 'urn:netconv:registry:REG-C:fact'
# two registries, the same local ids: no id in common
ids() { grep -ho '"id":"[0-9a-f]\{32\}"' "$work/$1"/fhir/*.ndjson | sort -u; }
check "two registries share no id" "" "$(comm -12 <(ids both) <(run other "$csv" --registry-id REG-D > /dev/null; ids other) | head -3)"

run naaccr "$naaccr" --fhir-layout bundle > /dev/null
check "NAACCR registryId: no NC-ID-003" 0 "$(warnings naaccr)"
has "NAACCR registryId names the fact system" "$work/naaccr/fhir/bundles.ndjson" 'urn:netconv:registry:[0-9]+:fact'
run naaccr_flag "$naaccr" --registry-id OVERRIDE > /dev/null
has "--registry-id overrides NAACCR registryId" "$work/naaccr_flag/fhir/Patient.ndjson" 'urn:netconv:registry:OVERRIDE:patient'

check "bad --registry-id: exit 2" 2 "$(run bad "$csv" --registry-id 'a b')"
check "overlong --registry-id: exit 2" 2 "$(run long "$csv" --registry-id "$(printf 'x%.0s' {1..65})")"
printf 'registry_id = a:b\n' > "$work/bad.conf"
check "bad registry_id in --cda-config: exit 2" 2 "$(run badconf "$csv" --cda-config "$work/bad.conf")"
has "bad registry_id in --cda-config names file and line" "$work/badconf.err" 'bad.conf:1: registry_id'

echo "registry_id_test: $passes passed, $fails failed"
exit $((fails > 0))
