#!/usr/bin/env bash
# Patient data in diagnostics (issue G, docs/security.md): records carrying recognisable
# identifiers, birth dates and values go through every error path of the CSV, NDJSON and NAACCR
# readers and the mapper. None of them may appear in stderr or report.json; rejects.ndjson (a data
# output) keeps the record key; --show-values opts in to values on stderr. Names (columns, JSON
# keys, NAACCR item ids) are structure, not values: diagnostics name them.
# Usage: phi_test.sh NETCONV ROOT
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
# every marker: patient ids PHIPID..., the birth date 1931-07-23 in any spelling, values PHIVAL...
markers='PHIPID|PHIVAL|1931-?07-?2[0-9]|Zebulon'
no_phi() { # name output-dir
  local hits
  hits=$(grep -EaHo "$markers" "$work/$1.err" "$2/report.json" "$2/report.html" 2>/dev/null | sort -u | head -5)
  check "$1: no patient data in stderr, report.json or report.html" "" "$hits"
  [[ -n $hits ]] && grep -Ea "$markers" "$work/$1.err" | head -5 | sed 's/^/    /'
}
convert() { # name input [options]
  local name=$1 input=$2
  shift 2
  timeout 600 "$netconv" convert --no-progress --no-validate -j 2 -o "$work/$name" "$@" "$input" > /dev/null 2> "$work/$name.err"
  echo $?
}

# ---- CSV: framing errors, then every mapper rejection ----
hdr='patient_id,birth_date,sex,tumor_id,diagnosis_date,primary_site,histology,behavior,grade,ki67_percent,differentiation,metastatic_sites,syndromes,carcinoid_syndrome,symptoms,treatments,diagnostics,labs,vital_status,last_contact_date'
row() { # id [field=value ...]: a valid row with fields replaced
  local -A v=([patient_id]=$1 [birth_date]=1931-07-23 [sex]=F [tumor_id]=1 [diagnosis_date]=2019-06-11 [primary_site]=C17.2
              [histology]=8240 [behavior]=3 [grade]=G2 [ki67_percent]=7.5 [differentiation]=well [metastatic_sites]=liver
              [syndromes]= [carcinoid_syndrome]=Y [symptoms]=flushing [treatments]=surgery:small_bowel_resection@2019-07-02
              [diagnostics]= [labs]= [vital_status]=alive [last_contact_date]=2024-01-01)
  shift
  for kv in "$@"; do v[${kv%%=*}]=${kv#*=}; done
  local out="" c
  IFS=, read -ra cols <<< "$hdr"
  for c in "${cols[@]}"; do out+="${out:+,}${v[$c]}"; done
  printf '%s\n' "$out"
}
{
  echo "$hdr"
  row PHIPID0001
  n=2
  for kv in "primary_site=C99.PHIVAL1" "histology=PHIVAL2" "behavior=PHIVAL3" "grade=PHIVAL4" "ki67_percent=PHIVAL5" \
            "ki67_percent=1931.0723" "differentiation=PHIVAL6" "metastatic_sites=liver|PHIVAL7" "syndromes=PHIVAL8" \
            "carcinoid_syndrome=PHIVAL9" "symptoms=PHIVAL10" "treatments=PHIVAL11:x@2019-01-01" \
            "treatments=surgery:PHIVAL12@2019-01-01" "treatments=surgery:small_bowel_resection@PHIVAL13" \
            "diagnostics=PHIVAL14@2019-01-01" "labs=PHIVAL15:1 ng/mL@2019-01-01" "labs=chromogranin_a:PHIVAL16 ng/mL@2019-01-01" \
            "labs=chromogranin_a:1 PHIVAL17@2019-01-01" "vital_status=PHIVAL18" "last_contact_date=1931-07-22" \
            "birth_date=1931-07-32" "birth_date=PHIVAL19" "diagnosis_date=1931-07-21" "sex=PHIVAL20" "tumor_id=" "patient_id="; do
    n=$((n + 1))
    row "PHIPID$(printf %04d $n)" "$kv"
  done
  row PHIPID0100 "birth_date=1931-07-24"    # second row of a patient with another birth date (warning)
  row PHIPID0100 "birth_date=1931-07-25" "tumor_id=2"
  row PHIPID0001 "tumor_id=2"                # patient reappears
  printf 'PHIPID0200,1931-07-23,F,1,2019-06-11,C17.2,8240,3,G2,7.5,well,liver,,Y,flushing,"surg"PHIVAL21,,,alive,2024-01-01\n'
  printf 'PHIPID0201,1931-07-23,F,1,2019-06-11,C17.2,82\x0040PHIVAL22,3,G2,7.5,well,liver,,Y,flushing,,,,alive,2024-01-01\n'
  printf 'PHIPID0202,1931-07-23,F,1,2019-06-11,C17.2,8240,3,G2,7.5,well,liver,,Y,M\xfcller PHIVAL23,,,,alive,2024-01-01\n'
  printf 'PHIPID0203,1931-07-23,PHIVAL24\n'
  printf 'PHIPID0204,1931-07-23,F,1,2019-06-11,C17.2,8240,3,G2,7.5,well,liver,,Y,flushing,'; head -c 1100000 /dev/zero | tr '\0' 'Z'; printf ',,,alive,2024-01-01\n'
  printf 'PHIPID0205,1931-07-23,F,1,2019-06-11,C17.2,8240,3,G2,7.5,well,liver,,Y,"PHIVAL25 unterminated\n'
} > "$work/phi.csv"
code=$(convert csv "$work/phi.csv")
check "CSV: rejected records exit 1" 1 "$code"
no_phi csv "$work/csv"
check "CSV: rejects.ndjson keeps the record key" yes "$(grep -q PHIPID0003 "$work/csv/rejects.ndjson" && echo yes)"
rejected=$(tr -d '\n' < "$work/csv/report.json" | grep -o '"rejected":[0-9]*' | cut -d: -f2)
((rejected >= 25)) && r=ok || r="$rejected rejected"
check "CSV: the error paths were taken" ok "$r"
code=$(convert csv-show "$work/phi.csv" --show-values)
check "CSV --show-values prints values" yes "$(grep -q PHIVAL "$work/csv-show.err" && echo yes)"

# ---- NDJSON ----
{
  echo '{"patient_id":"PHIPID1001","birth_date":"1931-07-23","sex":"F","tumor_id":"1","diagnosis_date":"2019-06-11","primary_site":"C17.2","histology":"8240"}'
  printf '{"patient_id":"PHIPID1002","birth_date":"1931-07-23","sex":"M\xfcller PHIVAL31"}\n'
  printf '{"patient_id":"PHIPID1003","birth_date":"1931-07-23","sex":%s"PHIVAL32"%s}\n' "$(head -c 20 /dev/zero | tr '\0' '[')" "$(head -c 20 /dev/zero | tr '\0' ']')"
  echo '{"patient_id":"PHIPID1004","birth_date":"1931-07-23", PHIVAL33}'
  echo '["PHIPID1005","1931-07-23","PHIVAL34"]'
  printf '{"patient_id":"PHIPID1006","birth_date":"1931-07-23","sex":"'; head -c 1100000 /dev/zero | tr '\0' 'Z'; echo '"}'
  echo '{"patient_id":"PHIPID1007","patient_id":"PHIPID1008","birth_date":"1931-07-23"}'
  echo '{"patient_id":"PHIPID1009","birth_date":"1931-07-23","ki67_percent":1931072300000000000000}'
  echo '{"patient_id":"PHIPID1010","birth_date":"1931-07-23","ki67_percent":1e999}'
  echo '{"patient_id":"PHIPID1011","birth_date":"1931-07-23","sex":{"PHIVAL35":"PHIVAL36"}}'
  echo '{"patient_id":"PHIPID1012","birth_date":"1931-07-23","symptoms":["PHIVAL37",1]}'
  echo '{"patient_id":"PHIPID1013","birth_date":"1931-07-23","histology":"PHIVAL38","primary_site":"PHIVAL39"}'
  echo '{"patient_id":"PHIPID1014","birth_date":"1931-07-23","not_a_contract_field":"PHIVAL40"}'
} > "$work/phi.ndjson"
code=$(convert ndjson "$work/phi.ndjson")
check "NDJSON: rejected records exit 1" 1 "$code"
no_phi ndjson "$work/ndjson"
check "NDJSON: rejects.ndjson keeps the record key" yes "$(grep -q PHIPID1013 "$work/ndjson/rejects.ndjson" && echo yes)"

# ---- NAACCR XML: item errors carry values; a malformed file stops with libxml2's message ----
open_root='<?xml version="1.0"?><NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml" xmlns="http://naaccr.org/naaccrxml">'
item() { printf '<Item naaccrId="%s">%s</Item>' "$1" "$2"; }
tumor() { printf '<Tumor>%s%s%s%s%s</Tumor>' "$(item primarySite C172)" "$(item histologicTypeIcdO3 8240)" "$(item behaviorCodeIcdO3 3)" "$(item dateOfDiagnosis 20190611)" "${1:-}"; }
{
  echo "$open_root"
  echo "<Patient>$(item patientIdNumber PHIPID21)$(item dateOfBirth 19310723)$(item nameLast Zebulon)$(tumor)</Patient>"
  echo "<Patient>$(item patientIdNumber PHIPID2002)$(item dateOfBirth 19310723)$(tumor)</Patient>"  # too long
  echo "<Patient>$(item patientIdNumber PHIPID23)$(item dateOfBirth 19310732)$(tumor)</Patient>"    # impossible date
  echo "<Patient>$(item patientIdNumber PHIPID24)$(item dateOfBirth 1931072)$(tumor)</Patient>"     # bad format
  echo "<Patient>$(item patientIdNumber PHIPID25)$(item dateOfBirth 19310723)$(item sex PHIVAL41)$(tumor)</Patient>"
  echo "<Patient>$(item patientIdNumber PHIPID26)$(item dateOfBirth 19310723)$(tumor "$(item grade PHIVAL42)")</Patient>"
  echo "<Patient>$(item patientIdNumber PHIPID27)$(item dateOfBirth 19310723)$(tumor "$(item notAnItem PHIVAL43)")</Patient>"
  echo "<Patient>$(item patientIdNumber PHIPID28)$(item dateOfBirth 19310723)$(tumor "<Item naaccrId=\"primarySite\" naaccrNum=\"1\">C172</Item>")</Patient>"
  echo "<Patient>$(item patientIdNumber PHIPID29)$(item dateOfBirth 19310723)$(tumor "$(item rxSummSurgPrimSite PHIV)")</Patient>"
  echo "<Patient>$(item patientIdNumber PHIPID30)$(item dateOfBirth 19310723)$(item patientIdNumber PHIPID31)$(tumor)</Patient>"
  echo "<Patient>$(item patientIdNumber ' PHIPID32')$(tumor)</Patient>"
  printf '<Patient>%s<Item naaccrId="nameLast">M\xfcller</Item></Patient>\n' "$(item patientIdNumber PHIPID33)"
  echo "</NaaccrData>"
} > "$work/phi.xml"
code=$(convert naaccr "$work/phi.xml")
check "NAACCR: rejected records exit 1" 1 "$code"
no_phi naaccr "$work/naaccr"
check "NAACCR: item errors were reported" yes "$(grep -q 'NC-NAACCR-02' "$work/naaccr.err" && echo yes)"
check "NAACCR: libxml2's copy of the input bytes is not echoed" "" "$(grep -o 'Bytes: 0x' "$work/naaccr.err")"
check "NAACCR: malformed XML was reported" yes "$(grep -q 'NC-NAACCR-001' "$work/naaccr.err" && echo yes)"
code=$(convert naaccr-show "$work/phi.xml" --show-values)
check "NAACCR --show-values prints values" yes "$(grep -Eq 'PHIVAL|19310732' "$work/naaccr-show.err" && echo yes)"

echo "phi_test: $passes passed, $fails failed"
((fails == 0))
