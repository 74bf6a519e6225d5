#!/usr/bin/env bash
# Hostile input, second round (issue J §5-7, input side; docs/security.md "Limits"): every byte
# counts toward the record limit, runaway quoted fields give back the lines they swallowed,
# bounded patients, NAACCR files cut by a fatal error, libxml2's messages, control characters.
# Big inputs are generated here, never committed. Usage: hostile_input_test.sh NETCONV ROOT
set -uo pipefail
netconv=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
hasnt() { # name file pattern (grep -E)
  if ! grep -Eq -- "$3" "$2"; then passes=$((passes + 1)); else echo "FAIL: $1: /$3/ found in $2:"; grep -E -- "$3" "$2" | head -5 | cut -c1-300 | sed 's/^/    /'; fails=$((fails + 1)); fi
}
# runs netconv with a hang guard; prints "EXIT PEAK_RSS_MIB SECONDS"; stderr goes to $work/err.txt
run() {
  python3 - "$@" 2> "$work/err.txt" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
try:
    code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, timeout=120).returncode
except subprocess.TimeoutExpired:
    code = "timeout"
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, int(time.monotonic() - t))
PY
}
report() { tr -d '\n' < "$1/report.json" | grep -o "\"$2\":[0-9]*" | head -1 | cut -d: -f2; }
# read = converted + rejected + skipped, and one rejects.ndjson line per rejected record
balanced() { # name outdir
  local r c j s l
  r=$(report "$2" read) c=$(report "$2" converted) j=$(report "$2" rejected) s=$(report "$2" skipped)
  l=$(wc -l < "$2/rejects.ndjson")
  check "$1: read = converted + rejected + skipped" "$r" "$((c + j + s))"
  check "$1: one rejects line per rejected record" "$j" "$l"
}
convert() { run "$netconv" convert --no-progress --no-validate -j 2 "$@"; }
mib=128  # the issue's bound on peak RSS for small hostile files
# AddressSanitizer keeps freed memory in quarantine and shadows the rest: peak RSS is not what the
# run holds there, so the bounds are checked on the release build only
if grep -qa __asan_init "$netconv"; then mib=100000; echo "hostile_input_test: ASan build: peak RSS bounds not checked"; fi

header='patient_id,sex,tumor_id,primary_site,histology,behavior,diagnosis_date'
good() { echo "$1,F,${2:-1},C17.2,8240,3,2019-06-11"; }

# ---- CSV: separators count toward the record limit; fields per record are capped ----
{ echo "$header"; head -c 10000000 /dev/zero | tr '\0' ','; echo; good P1; } > "$work/commas.csv"
read -r code rss _ < <(convert -o "$work/c1" "$work/commas.csv")
check "10 MB of commas: exit 1" 1 "$code"
has "10 MB of commas: too long, located" "$work/err.txt" 'commas\.csv:2:1: .*NC-CSV-(007|012)'
check "10 MB of commas: next row converted" 1 "$(report "$work/c1" converted)"
((rss <= mib)) && r=bounded || r="${rss} MiB"
check "10 MB of commas: peak RSS <= $mib MiB" bounded "$r"
{ echo "$header"; printf 'P1%.0s,' $(seq 1 2000); echo; good P2; } > "$work/fields.csv"
read -r code _ _ < <(convert -o "$work/c2" "$work/fields.csv")
has "2,000 fields: capped, located" "$work/err.txt" 'fields\.csv:2:1: .*NC-CSV-012'
check "2,000 fields: next row converted" 1 "$(report "$work/c2" converted)"
balanced "2,000 fields" "$work/c2"

# ---- CSV: a stray quote gives back the lines it swallowed; record keys are bounded ----
{ echo "$header"; echo 'P0,"F,1,C17.2,8240,3,2019-06-11'; for i in $(seq 1 4999); do good "P$i"; done; } > "$work/stray.csv"
read -r code _ _ < <(convert -o "$work/c3" "$work/stray.csv")
check "stray quote: exit 1" 1 "$code"
has "stray quote: unterminated at its field" "$work/err.txt" 'stray\.csv:2:4: .*NC-CSV-004'
check "stray quote: all 5,000 rows read" 5000 "$(report "$work/c3" read)"
check "stray quote: later rows converted" 4999 "$(report "$work/c3" converted)"
balanced "stray quote" "$work/c3"
{ echo "$header"; echo '"P0,F,1,C17.2,8240,3,2019-06-11'; for i in $(seq 1 20); do good "P$i"; done; echo '",F'; } > "$work/stray2.csv"
read -r code _ _ < <(convert -o "$work/c4" "$work/stray2.csv")
hasnt "quote closed 21 lines later: no other record in the reject" "$work/c4/rejects.ndjson" 'P1[0-9]?[^0-9]'
has "quote closed 21 lines later: key without the bad value" "$work/c4/rejects.ndjson" '"record_key":"/[^"]{0,16}"'
balanced "quote closed 21 lines later" "$work/c4"
# an ignored column may hold a multi-line note (RFC 4180): a few line breaks are data
{ echo "$header,note"; echo "$(good P1),\"line one"; echo 'line two"'; echo "$(good P2),"; } > "$work/note.csv"
read -r code _ _ < <(convert -o "$work/c5" "$work/note.csv")
check "multi-line note in an ignored column: both rows converted" "0 2" "$code $(report "$work/c5" converted)"

# ---- CSV without a header row: no values on stderr ----
{ echo 'NET-0001,F,1,C17.2,8240,3,1958-03-14'; good P2; } > "$work/noheader.csv"
read -r code _ _ < <(convert -o "$work/c6" "$work/noheader.csv")
check "header that is a record: exit 1" 1 "$code"
has "header that is a record: said so" "$work/err.txt" 'noheader\.csv:1.*NC-CSV-013'
hasnt "header that is a record: no values on stderr" "$work/err.txt" 'NET-0001|1958-03-14|C17\.2'
{ echo "patient_id,1958-03-14,sex"; good P2; } > "$work/dataname.csv"
read -r code _ _ < <(convert -o "$work/c7" "$work/dataname.csv")
hasnt "unknown column that looks like data: not printed" "$work/err.txt" '1958-03-14'
has "unknown column that looks like data: still warned" "$work/err.txt" 'dataname\.csv:1:12.*NC-CSV-010'

# ---- control characters in fields: rejected, never two inputs onto one output id ----
{ echo "$header"; printf 'CTL\x01A,F,1,C17.2,8240,3,2019-06-11\n'; good CTLA; printf 'P3,F,1,C17.2,8240,3,2019-06-11\t\x0b\n'; } > "$work/ctl.csv"
read -r code _ _ < <(run "$netconv" convert --no-progress --to fhir,cda -o "$work/c8" "$work/ctl.csv")
check "control characters (CSV): exit 1" 1 "$code"
has "control character in patient_id: located, coded" "$work/err.txt" 'ctl\.csv:2:1 \[patient_id\].*NC-VAL-004'
has "control character in a date: located, coded" "$work/err.txt" 'ctl\.csv:4:[0-9]+ \[diagnosis_date\].*NC-VAL-004'
check "control characters (CSV): the clean row converted" "1 2" "$(report "$work/c8" converted) $(report "$work/c8" rejected)"
check "control characters (CSV): one CDA document" 1 "$(ls "$work/c8/cda" | wc -l)"
check "control characters (CSV): one Patient" 1 "$(wc -l < "$work/c8/fhir/Patient.ndjson")"
balanced "control characters (CSV)" "$work/c8"
{
  echo '{"patient_id":"J\u0000","sex":"F","tumor_id":"1","primary_site":"C17.2","histology":"8240","behavior":"3","diagnosis_date":"2019-06-11"}'
  echo '{"patient_id":"J","sex":"F","tumor_id":"1","primary_site":"C17.2","histology":"8240","behavior":"3","diagnosis_date":"2019-06-11"}'
  echo '{"patient_id":"K","sex":"F","tumor_id":"1","primary_site":"C17.2","histology":"8240","behavior":"3","diagnosis_date":"2019-06-11","symptoms":["flushing\u0085"]}'
} > "$work/ctl.ndjson"
read -r code _ _ < <(convert -o "$work/c9" "$work/ctl.ndjson")
has "NUL in an NDJSON patient_id: coded" "$work/err.txt" 'ctl\.ndjson:1 \[patient_id\].*NC-VAL-004'
has "C1 control in an NDJSON list item: coded" "$work/err.txt" 'ctl\.ndjson:3 \[symptoms\].*NC-VAL-004'
check "control characters (NDJSON): converted / rejected" "1 2" "$(report "$work/c9" converted) $(report "$work/c9" rejected)"
balanced "control characters (NDJSON)" "$work/c9"

# ---- one patient may hold max-rows-per-patient records; beyond, it is rejected whole ----
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
with open(f"{w}/onepatient.csv", "w") as f:  # ~5 MB, 100,000 rows of one patient, then another patient
    f.write("patient_id,sex,tumor_id,primary_site,histology,behavior,diagnosis_date,symptoms\n")
    for i in range(100000):
        f.write(f"P1,F,{i},C17.2,8240,3,2019-06-11,flushing\n")
    f.write("P2,F,1,C17.2,8240,3,2019-06-11,flushing\n")
root = ('<?xml version="1.0" encoding="UTF-8"?>\n<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml" '
        'xmlns="http://naaccr.org/naaccrxml">\n')
tumor = ('<Tumor><Item naaccrId="dateOfDiagnosis">20210315</Item><Item naaccrId="primarySite">C172</Item>'
         '<Item naaccrId="histologicTypeIcdO3">8240</Item><Item naaccrId="behaviorCodeIcdO3">3</Item></Tumor>\n')
def patient(n, tumors):
    return f'<Patient><Item naaccrId="patientIdNumber">{n:08d}</Item><Item naaccrId="sex">2</Item>\n' + tumor * tumors + '</Patient>\n'
with open(f"{w}/onepatient.xml", "w") as f:  # ~19 MB, 100,000 tumors in one patient
    f.write(root + patient(1, 100000) + patient(2, 1) + "</NaaccrData>\n")
big = lambda n: (f'  <Patient>\n    <Item naaccrId="patientIdNumber">{n:08d}</Item>\n    <Item naaccrId="sex">2</Item>\n'
                 '    <Tumor>\n      <Item naaccrId="dateOfDiagnosis">20210315</Item>\n      <Item naaccrId="primarySite">C172</Item>\n'
                 '      <Item naaccrId="histologicTypeIcdO3">8240</Item>\n      <Item naaccrId="behaviorCodeIcdO3">3</Item>\n    </Tumor>\n  </Patient>\n')
with open(f"{w}/garbage.xml", "w") as f:  # 50 complete patients, then not XML
    f.write(root + "".join(big(i + 1) for i in range(50)) + "<<<\n")
with open(f"{w}/attrs.xml", "w") as f:  # 200,000 attributes on one element
    f.write(root + '<Patient>\n<Item naaccrId="patientIdNumber" ' + " ".join(f'a{i}="1"' for i in range(200000)) + '>1</Item></Patient></NaaccrData>\n')
with open(f"{w}/doctype.xml", "w") as f:  # DOCTYPE on line 2 of 5
    f.write('<?xml version="1.0"?>\n<!DOCTYPE NaaccrData [\n<!ENTITY x "y">\n]>\n' + root.split("\n")[1] + "</NaaccrData>\n")
PY
# grouping by patient holds records up to --memory-limit (default 256 MiB) before it sorts on
# disk: with 48 MiB the run must stay under the small-file bound (the limit + 64 MiB at most)
read -r code rss _ < <(convert --memory-limit 48 -o "$work/p1" "$work/onepatient.csv")
check "100,000 rows of one patient: exit 1" 1 "$code"
has "100,000 rows of one patient: coded, located" "$work/err.txt" 'onepatient\.csv:2:1: error: NC-REC-007'
check "100,000 rows of one patient: told once" 1 "$(grep -c NC-REC-007 "$work/err.txt")"
check "100,000 rows of one patient: all rejected, the next patient converted" "100001 1 100000" \
  "$(report "$work/p1" read) $(report "$work/p1" converted) $(report "$work/p1" rejected)"
balanced "100,000 rows of one patient" "$work/p1"
((rss <= mib)) && r=bounded || r="${rss} MiB"
check "100,000 rows of one patient: peak RSS <= $mib MiB" bounded "$r"
read -r code _ _ < <(convert --max-rows-per-patient 200000 -o "$work/p2" "$work/onepatient.csv")
check "--max-rows-per-patient raises the bound" "0 100001" "$code $(report "$work/p2" converted)"
for bad in 0 -5 x; do
  read -r code _ _ < <(convert --max-rows-per-patient "$bad" -o "$work/p3" "$work/onepatient.csv")
  check "--max-rows-per-patient $bad: usage error" 2 "$code"
done
read -r code rss _ < <(convert --memory-limit 48 -o "$work/p4" "$work/onepatient.xml")
check "100,000 NAACCR tumors of one patient: all rejected, the next patient converted" "1 100001 1 100000" \
  "$code $(report "$work/p4" read) $(report "$work/p4" converted) $(report "$work/p4" rejected)"
balanced "100,000 NAACCR tumors of one patient" "$work/p4"
((rss <= mib)) && r=bounded || r="${rss} MiB"
check "100,000 NAACCR tumors of one patient: peak RSS <= $mib MiB" bounded "$r"

# ---- NAACCR: what libxml2 is given ----
read -r code _ _ < <(convert -o "$work/n1" "$work/garbage.xml")
check "50 patients, then garbage: every complete patient converted" "1 50 50" \
  "$code $(report "$work/n1" read) $(report "$work/n1" converted)"
has "50 patients, then garbage: located" "$work/err.txt" 'garbage\.xml:503:[0-9]+: error: NC-NAACCR-001'
read -r code _ secs < <(convert -o "$work/n2" "$work/attrs.xml")
check "200,000 attributes: refused, quickly" "1 0" "$code $((secs > 10))"
has "200,000 attributes: coded, located" "$work/err.txt" 'attrs\.xml:4:1: error: NC-NAACCR-011'
check "200,000 attributes: the patient it cuts off is rejected" "1 1" "$(report "$work/n2" read) $(report "$work/n2" rejected)"
has "200,000 attributes: the patient cut off has its reason" "$work/n2/rejects.ndjson" 'NC-NAACCR-012'
balanced "200,000 attributes" "$work/n2"
read -r code _ _ < <(convert -o "$work/n3" "$work/doctype.xml")
has "DOCTYPE on line 2: reported on line 2" "$work/err.txt" 'doctype\.xml:2: error: NC-NAACCR-002'

# ---- NAACCR: nothing half-converted, nothing lost ----
ns='xmlns="http://naaccr.org/naaccrxml" xmlns:x="urn:x"'
root="<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" $ns>"
tumor_items='<Item naaccrId="dateOfDiagnosis">20210315</Item><Item naaccrId="primarySite">C172</Item><Item naaccrId="histologicTypeIcdO3">8240</Item>'
{
  echo "$root"
  echo "<Patient><Item naaccrId=\"patientIdNumber\">00000001</Item><Tumor>$tumor_items</Tumor></Patient>"
  echo "<Patient><Item naaccrId=\"patientIdNumber\">00000002</Item><Tumor>$tumor_items</Tumor>"
  echo "<Tumor>$tumor_items"
  head -c 1500 /dev/zero | sed 's/\x0/<x:a>/g'; echo
  echo '<Item naaccrId="gradePathological">2</Item></Tumor></Patient></NaaccrData>'
} > "$work/deepcut.xml"
read -r code _ _ < <(convert -o "$work/n4" "$work/deepcut.xml")
has "nesting-depth error: located" "$work/err.txt" 'deepcut\.xml:[0-9]+:[0-9]+: error: NC-NAACCR-001'
check "nesting-depth error: the patient before converted, the open one (2 tumors) rejected" "1 3 1 2" \
  "$code $(report "$work/n4" read) $(report "$work/n4" converted) $(report "$work/n4" rejected)"
has "nesting-depth error: the cut tumor rejected with its reason" "$work/n4/rejects.ndjson" '"line":4,.*NC-NAACCR-012'
balanced "nesting-depth error" "$work/n4"
{
  echo "$root"
  echo '<Patient><Item naaccrId="patientIdNumber">00000001</Item><Item naaccrId="bogusItem">1</Item></Patient>'
  echo '<Patient><Item naaccrId="patientIdNumber">00000002</Item></Patient>'
  echo "<Patient><Item naaccrId=\"patientIdNumber\">00000003</Item><Tumor>$tumor_items</Tumor></Patient>"
  echo '</NaaccrData>'
} > "$work/notumor.xml"
read -r code _ _ < <(convert -o "$work/n5" "$work/notumor.xml")
has "patient without tumor, with an error: printed as an error" "$work/err.txt" 'notumor\.xml:2 \[bogusItem\]: error: NC-NAACCR-020'
check "patients without tumors: the error one rejected (exit 1), the clean one skipped" "1 3 1 1 1" \
  "$code $(report "$work/n5" read) $(report "$work/n5" converted) $(report "$work/n5" rejected) $(report "$work/n5" skipped)"
has "patient without tumor: skipped with a reason" "$work/n5/report.json" '"naaccr-patient-without-tumor":1'
balanced "patients without tumors" "$work/n5"

# ---- NAACCR: libxml2's own messages go through netconv's diagnostics, without input bytes ----
{
  printf '<?xml version="1.0" encoding="SHIFT_JIS"?>\n%s\n' "$root"
  printf '<Patient><Item naaccrId="patientIdNumber">00000001</Item><Item naaccrId="nameLast">\xff\x53ECRET</Item><Tumor>%s</Tumor></Patient>\n' "$tumor_items"
  echo '</NaaccrData>'
} > "$work/sjis.xml"
read -r code _ _ < <(convert -o "$work/n6" "$work/sjis.xml")
check "SHIFT_JIS with a bad byte: exit 1" 1 "$code"
check "SHIFT_JIS with a bad byte: one diagnostic line, coded and located" 1 \
  "$(grep -v '^netconv: read' "$work/err.txt" | grep -cE 'sjis\.xml:[0-9]+(:[0-9]+)?: error: NC-NAACCR-001')"
check "SHIFT_JIS with a bad byte: nothing else on stderr" 1 "$(grep -vc '^netconv: read' "$work/err.txt")"
hasnt "SHIFT_JIS with a bad byte: no input bytes" "$work/err.txt" '0x[0-9A-Fa-f]{2}|SECRET'

echo "hostile_input_test: $passes passed, $fails failed"
((fails == 0))
