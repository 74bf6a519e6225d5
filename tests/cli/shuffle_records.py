#!/usr/bin/env python3
"""Writes a copy of a netconv input with its records in a shuffled order (fixed seed), for the
unsorted-export tests: CSV records (a header kept first; a quoted field may span lines, a BOM
stays on the header, line endings stay with their record), NDJSON lines, NAACCR XML Patient
elements (a patient's Tumor elements keep their order: their position is the tumor id).
Usage: shuffle_records.py IN OUT [SEED]"""
import random
import re
import sys


def csv_records(text):
    """Splits CSV text into records, each with its line ending; a newline inside quotes stays."""
    out, start, quoted = [], 0, False
    for i, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif c == '\n' and not quoted:
            out.append(text[start:i + 1])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return out


def shuffle_xml(text, rng):
    parts = re.split(r'(<Patient\b.*?</Patient>\s*)', text, flags=re.S)
    patients = [p for p in parts if p.startswith('<Patient')]
    if len(patients) < 2:
        return text
    head = text[:text.index(patients[0])]
    tail = text[text.rindex(patients[-1]) + len(patients[-1]):]
    rng.shuffle(patients)
    return head + ''.join(patients) + tail


def main():
    src, dst = sys.argv[1], sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 11)
    text = open(src, encoding='utf-8', newline='').read()
    if src.endswith('.xml'):
        out = shuffle_xml(text, rng)
    elif src.endswith('.ndjson') or src.endswith('.jsonl'):
        lines = text.splitlines(keepends=True)
        if lines and not lines[-1].endswith('\n'):
            lines[-1] += '\n'
        rng.shuffle(lines)
        out = ''.join(lines)
    else:
        records = csv_records(text)
        body = records[1:]
        if body and not body[-1].endswith('\n'):
            body[-1] += '\r\n' if records[0].endswith('\r\n') else '\n'
        rng.shuffle(body)
        out = records[0] + ''.join(body)
    open(dst, 'w', encoding='utf-8', newline='').write(out)


main()
