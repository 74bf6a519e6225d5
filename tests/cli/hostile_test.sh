#!/usr/bin/env bash
# Hostile and broken input through the CLI (issue G, docs/security.md): exit codes, located
# diagnostics, later rows still converted, bounded memory (peak RSS against a baseline run), no
# local file read. Big inputs are generated here, never committed. Usage: hostile_test.sh NETCONV ROOT
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
trap 'exec 7>&- 2>/dev/null; rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
# runs netconv with a hang guard; prints "EXIT PEAK_RSS_MIB"; stderr goes to $work/err.txt
run() {
  python3 - "$@" 2> "$work/err.txt" <<'PY'
import resource, subprocess, sys
try:
    code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, timeout=600).returncode
except subprocess.TimeoutExpired:
    code = "timeout"
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
}
report() { tr -d '\n' < "$1/report.json" | grep -o "\"$2\":[0-9]*" | cut -d: -f2; }
# --no-validate: output validation is not what these tests are about, and loading the FHIR
# definitions costs seconds per run under the sanitizers
convert() { run "$netconv" convert --no-progress --no-validate -j 2 "$@"; }

header='patient_id,sex,tumor_id,primary_site,histology,behavior,diagnosis_date'
good() { echo "$1,F,1,C17.2,8240,3,2019-06-11"; }

# baseline memory: a small good file
{ echo "$header"; good P0; } > "$work/base.csv"
read -r code base_rss < <(convert -o "$work/o0" "$work/base.csv")
check "baseline converts" 0 "$code"
limit=$((base_rss + 64))

# ---- CSV: each broken row rejected with its line, the rows after it converted ----
{
  echo "$header"
  good P1                                                     # line 2
  printf 'P2,F,1,C17.2,8240,3,'; head -c $((100 << 20)) /dev/zero | tr '\0' 'x'; echo   # line 3: 100 MiB field
  good P3                                                     # line 4
  printf 'P4,F,1,C17.2,82\x0040,3,2019-06-11\n'               # line 5: NUL
  printf 'P5,F,1,C17.2,8240,3,2019-06-\xff\n'                 # line 6: invalid UTF-8
  printf 'P6,F,1,C17.2\r\n'                                   # line 7: too few fields, CRLF
  good P7                                                     # line 8
  echo 'P8,F,1,C17.2,8240,3,2019-06-11,extra'                 # line 9: too many
  printf 'P9,F,1,C17.2,8240,3,2019-06-11\r'                   # line 10: lone CR
  good P10                                                    # line 11
  printf 'P11,F,1,C17.2,8240,3,"2019-06-11\n'                 # line 12: unterminated quote at EOF
} > "$work/broken.csv"
read -r code rss < <(convert -o "$work/o1" "$work/broken.csv")
check "broken CSV rows: exit 1" 1 "$code"
has "100 MiB field located" "$work/err.txt" 'broken\.csv:3:1: .*NC-CSV-007'
has "NUL byte located" "$work/err.txt" 'broken\.csv:5:[0-9]+.*NC-CSV-005'
has "invalid UTF-8 located" "$work/err.txt" 'broken\.csv:6:[0-9]+ \[diagnosis_date\].*NC-CSV-003'
has "too few fields located" "$work/err.txt" 'broken\.csv:7:1.*NC-CSV-011'
has "too many fields located" "$work/err.txt" 'broken\.csv:9:1.*NC-CSV-011'
has "unterminated quote located" "$work/err.txt" 'broken\.csv:12:22: .*NC-CSV-004'
check "rows after broken rows converted" 5 "$(report "$work/o1" converted)"
check "broken rows rejected" 6 "$(report "$work/o1" rejected)"
((rss <= limit)) && r=bounded || r="${rss} MiB (baseline ${base_rss})"
check "100 MiB field: memory bounded" bounded "$r"

# file-level CSV problems stop the file (exit 1) with a location
: > "$work/empty.csv"
read -r code _ < <(convert -o "$work/o2" "$work/empty.csv")
check "empty CSV exit" 1 "$code"
has "empty CSV diagnostic" "$work/err.txt" 'empty\.csv.*NC-CSV-002'
echo "$header" > "$work/header-only.csv"
read -r code _ < <(convert -o "$work/o3" "$work/header-only.csv")
check "header-only CSV exit" 0 "$code"
check "header-only CSV reads nothing" 0 "$(report "$work/o3" read)"
{ echo "patient_id,sex,sex"; echo "P1,F,F"; } > "$work/dup.csv"
read -r code _ < <(convert -o "$work/o4" "$work/dup.csv")
check "duplicate header exit" 1 "$code"
has "duplicate header located" "$work/err.txt" 'dup\.csv:1.*NC-CSV-008'
printf '%s\n%s\n' "$header" "$(good P1)" | iconv -f UTF-8 -t UTF-16 > "$work/utf16.csv"
read -r code _ < <(convert -o "$work/o5" "$work/utf16.csv")
check "UTF-16 CSV exit" 1 "$code"
has "UTF-16 CSV stops at the header" "$work/err.txt" 'utf16\.csv:1.*NC-CSV-00[1235]'

# ---- NDJSON ----
{
  echo '{"patient_id":"J1","sex":"F","tumor_id":"1","primary_site":"C17.2","histology":"8240","behavior":"3","diagnosis_date":"2019-06-11"}'
  printf '{"patient_id":"J2","sex":'; head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; echo '}'
  echo '{"patient_id":"J3","ki67_percent":1e999}'
  echo '{"patient_id":"J4","patient_id":"J5"}'
  echo '{"patient_id":"J6","sex":{"x":1}}'
  echo '{"patient_id":"J7","sex":"F","tumor_id":"1","primary_site":"C17.2","histology":"8240","behavior":"3","diagnosis_date":"2019-06-11"}'
} > "$work/broken.ndjson"
read -r code rss < <(convert -o "$work/o6" "$work/broken.ndjson")
check "broken NDJSON exit" 1 "$code"
has "deep nesting located" "$work/err.txt" 'broken\.ndjson:2:1.*NC-JSON-002'
has "huge number located" "$work/err.txt" 'broken\.ndjson:3:1.*NC-JSON-007'
has "duplicate key located" "$work/err.txt" 'broken\.ndjson:4:1.*NC-JSON-006'
has "wrong type located" "$work/err.txt" 'broken\.ndjson:5:1 \[sex\].*NC-JSON-008'
check "NDJSON rows after broken lines converted" 2 "$(report "$work/o6" converted)"
if grep -q 'internal error' "$work/err.txt"; then check "no internal error" none found; fi

# ---- NAACCR XML: entities and DTDs stop the file; the named local file is never read ----
mkfifo "$work/secret"
exec 7<>"$work/secret"  # a writer holds the pipe open: a reader's open() cannot block
echo "NETCONV-CLI-SECRET" >&7
open_root='<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml" xmlns="http://naaccr.org/naaccrxml">'
patient='<Patient><Item naaccrId="patientIdNumber">00000001</Item><Tumor><Item naaccrId="primarySite">C172</Item></Tumor></Patient>'
n=0
for doc in \
  "<!DOCTYPE NaaccrData [<!ENTITY x SYSTEM \"file://$work/secret\">]>$open_root<Patient><Item naaccrId=\"nameLast\">&x;</Item><Tumor/></Patient></NaaccrData>" \
  "<!DOCTYPE NaaccrData [<!ENTITY % p SYSTEM \"file://$work/secret\"> %p;]>$open_root$patient</NaaccrData>" \
  "<!DOCTYPE NaaccrData SYSTEM \"file://$work/secret\">$open_root$patient</NaaccrData>" \
  "<!DOCTYPE NaaccrData SYSTEM \"http://127.0.0.1:9/netconv.dtd\">$open_root$patient</NaaccrData>" \
  "<!DOCTYPE NaaccrData [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\"><!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">]>$open_root<Patient><Item naaccrId=\"nameLast\">&i;</Item><Tumor/></Patient></NaaccrData>"; do
  n=$((n + 1))
  printf '<?xml version="1.0"?>\n%s\n' "$doc" > "$work/attack$n.xml"
  read -r code rss < <(convert -o "$work/x$n" "$work/attack$n.xml")
  check "XML attack $n: exit 1" 1 "$code"
  has "XML attack $n: file stopped with a location" "$work/err.txt" "attack$n\.xml:[0-9]+.*NC-NAACCR-00[12]"
  check "XML attack $n: nothing converted" 0 "$(report "$work/x$n" read)"
  ((rss <= limit)) && r=bounded || r="${rss} MiB (baseline ${base_rss})"
  check "XML attack $n: memory bounded" bounded "$r"
  if grep -rq NETCONV-CLI-SECRET "$work/x$n" "$work/err.txt"; then check "XML attack $n: secret not in outputs" no yes; fi
done
read -r -t 2 -u 7 line
check "the local file named by entities and DTDs was never read" NETCONV-CLI-SECRET "${line:-}"

# deep nesting, 50 MiB attribute, truncation
{ echo "$open_root$patient<Patient xmlns:x=\"urn:x\">"; head -c 500000 /dev/zero | sed 's/\x0/<x:a>/g'; } > "$work/deep.xml"
read -r code rss < <(convert -o "$work/x6" "$work/deep.xml")
check "deep XML exit" 1 "$code"
has "deep XML located" "$work/err.txt" 'deep\.xml:[0-9]+:[0-9]+.*NC-NAACCR-001'
{ echo "$open_root<Patient><Item naaccrId=\""; head -c $((50 << 20)) /dev/zero | tr '\0' 'a'; echo "\">1</Item></Patient></NaaccrData>"; } > "$work/attr.xml"
read -r code rss < <(convert -o "$work/x7" "$work/attr.xml")
check "50 MiB attribute exit" 1 "$code"
has "50 MiB attribute located" "$work/err.txt" 'attr\.xml:[0-9]+.*NC-NAACCR-001'
((rss <= base_rss + 160)) && r=bounded || r="${rss} MiB (baseline ${base_rss})"
check "50 MiB attribute: memory bounded" bounded "$r"
head -c 5000 "$root/samples/naaccr-01-registry-export-v25/input.xml" > "$work/trunc.xml"
read -r code _ < <(convert -o "$work/x8" "$work/trunc.xml")
check "truncated XML exit" 1 "$code"
has "truncated XML located" "$work/err.txt" 'trunc\.xml:[0-9]+:[0-9]+.*NC-NAACCR-001'
iconv -f UTF-8 -t UTF-16 "$root/samples/naaccr-01-registry-export-v25/input.xml" > "$work/utf16.xml"
read -r code _ < <(convert -o "$work/x9" "$work/utf16.xml")
read -r code8 _ < <(convert -o "$work/x10" "$root/samples/naaccr-01-registry-export-v25/input.xml")
check "UTF-16 XML reads like the UTF-8 original" "$code8 $(report "$work/x10" converted)" "$code $(report "$work/x9" converted)"

# ---- mapping tables: every breakage stops the run with exit 2 and file:line ----
sample=$root/samples/01-ileal-net-carcinoid-syndrome/input.csv
table_case() { # name table "bytes to append" | "" (then $work/maps/<table> was prepared by the caller)
  local name=$1 table=$2 line
  line=$(($(wc -l < "$work/maps/$table") + 1))
  [[ -n $3 ]] && printf "$3" >> "$work/maps/$table"
  read -r code _ < <(convert --mappings "$work/maps" -o "$work/m" "$sample")
  check "table $name: exit 2" 2 "$code"
  has "table $name: located" "$work/err.txt" "${4:-$table:$line}"
  rm -rf "$work/maps"; cp -r "$root/mappings" "$work/maps"
}
cp -r "$root/mappings" "$work/maps"
table_case "NUL byte" values.tsv 'sex\tX\0Y\tsex.female\t\n'
table_case "invalid UTF-8" values.tsv 'sex\tM\xfcller\tsex.female\t\n'
table_case "CRLF line" values.tsv 'sex\tX\tsex.female\t\r\n'
table_case "too many fields" values.tsv 'sex\tX\tsex.female\tnote\textra\n'
table_case "too few fields" values.tsv 'sex\tX\n'
sed -i 's/^field\tvalue\tconcept\tnote$/field\tvalue\tvalue\tnote/' "$work/maps/values.tsv"
table_case "duplicate header" values.tsv "" 'values\.tsv:2.*NC-MAP-004'
: > "$work/maps/agents.tsv"
table_case "empty table" agents.tsv "" 'agents\.tsv.*NC-MAP-006'
head -n 2 "$root/mappings/values.tsv" > "$work/maps/values.tsv"
table_case "header only" values.tsv "" 'values\.tsv.*NC-MAP-031'
{ printf 'sex\t'; head -c $((100 << 20)) /dev/zero | tr '\0' 'x'; printf '\tsex.female\t\n'; } >> "$work/maps/values.tsv"
table_case "100 MiB line" values.tsv "" "values\.tsv:$(wc -l < "$root/mappings/values.tsv" | awk '{print $1+1}').*NC-MAP-002"
printf 'x\t1\tf\tcopy\t1\t250\ts\0\t\t\t\n' >> "$work/maps/naaccr-items.tsv"
read -r code _ < <(convert --mappings "$work/maps" -o "$work/m" "$root/samples/naaccr-01-registry-export-v25/input.xml")
check "broken NAACCR table: exit 2" 2 "$code"
has "broken NAACCR table: located" "$work/err.txt" "naaccr-items\.tsv:$(wc -l < "$root/mappings/naaccr-items.tsv" | awk '{print $1+1}')"

echo "hostile_test: $passes passed, $fails failed"
((fails == 0))
