#!/usr/bin/env bash
# The run report in a real browser: headless Chromium (Debian `chromium`, installed by
# scripts/install-deps.sh --test) opens the report.html of sample runs; the DOM it builds shows the
# counts and reason codes, and a screenshot is taken and must not be blank. Skips (exit 77),
# saying so, where Chromium is missing. Every browser call is bounded by `timeout`.
set -uo pipefail
netconv=$1 root=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "skipped: chromium is not installed (scripts/install-deps.sh --test installs it)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/assert.sh"
# no sandbox: CI containers run as root; a profile of its own so that no user state is read
chrome() {
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile" \
    --window-size=900,1400 "$@" 2>> "$work/browser.log"
}

convert() { (cd "$root/samples/$1" && "$netconv" convert --no-progress -q -o "$work/$1" input.csv 2>/dev/null); }
convert 09-rejected-code-and-value-errors
convert 06-grade-derived-and-contradiction

dom=$work/09.dom
chrome --dump-dom "file://$work/09-rejected-code-and-value-errors/report.html" > "$dom"
check "dump-dom: exit 0" 0 $?
has "DOM: read count" "$dom" '<div class="tile" id="tile-read"><span class="muted">read</span><b>6</b>'
has "DOM: rejected count" "$dom" 'id="tile-rejected"><span class="muted">rejected</span><b>5</b>'
for code in NC-CODE-001 NC-CODE-002 NC-DATE-001 NC-VAL-002 NC-VAL-003; do has "DOM: reason $code" "$dom" "<code>$code</code>"; done
has "DOM: a located reason" "$dom" "<code>input.csv:2:42</code>"
has "DOM: the charts are SVG" "$dom" "<svg "
grep -q "NET-08" "$dom"; check "DOM: no patient identifier" 1 $?

dom6=$work/06.dom
chrome --dump-dom "file://$work/06-grade-derived-and-contradiction/report.html" > "$dom6"
has "DOM: grade contradictions" "$dom6" 'id="grade-contradictions">[^<]*<b>1</b>'
has "DOM: derived grades" "$dom6" "<code>G3 derived</code>"

png=$work/09.png
(cd "$work" && chrome --screenshot="$png" "file://$work/09-rejected-code-and-value-errors/report.html" > /dev/null)
check "screenshot taken" yes "$( [[ -s $png ]] && echo yes)"
# not blank: decoded with zlib (no imaging library needed), enough pixels differ from the background
verdict=$(python3 - "$png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR": width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
    if kind == b"IDAT": idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
bpp = {2: 3, 6: 4}[ctype]
stride = width * bpp
rows, prev = [], bytearray(stride)
for y in range(height):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line)); prev = line
pixels = [r[x:x + 3] for r in rows[::4] for x in range(0, stride, bpp * 4)]
background = max(set(pixels), key=pixels.count)
differ = sum(p != background for p in pixels) / len(pixels)
print("ok" if differ > 0.02 and len(set(pixels)) > 8 else f"blank ({differ:.3f} of pixels differ, {len(set(pixels))} colours)")
PY
)
check "screenshot is not blank" ok "$verdict"

# printed: every page A4 (the page's @page rule)
pdf=$work/09.pdf
chrome --print-to-pdf="$pdf" "file://$work/09-rejected-code-and-value-errors/report.html" > /dev/null
boxes=$(grep -aoE '/MediaBox \[[^]]*\]' "$pdf" | sort -u)
check "printed on A4 (595 x 842 pt)" yes "$(grep -qxE '/MediaBox \[0 0 59[45](\.[0-9]+)? 84[12](\.[0-9]+)?\]' <<< "$boxes" && [[ $(wc -l <<< "$boxes") == 1 ]] && echo yes)"

if ((fails)); then echo "browser log:"; tail -5 "$work/browser.log"; fi
echo "report in a browser: $passes passed, $fails failed"
exit $((fails > 0))
