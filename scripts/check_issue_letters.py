#!/usr/bin/env python3
"""Lists comments in src/ that cite this project's issues ("issue J", "(issues C and I)", "issue 20").

Code comments and headers say why, not which ticket: a ticket letter means nothing to a reader
without the tracker and goes stale when the work is renumbered. Only comments are read (// and
/* */, strings skipped). A citation of another project's issue, named right before it
("valijson issue #191", "libxml2 issue 123"), is allowed: it says where a workaround comes from.

Exit status: 0 in report mode (the default: citations listed, the run passes) or when there are
none; 1 in strict mode (--strict or NETCONV_LINT_STRICT=1) when there are; 2 on a usage error.

Usage: check_issue_letters.py [--root DIR] [--strict]
"""
import argparse
import os
import re
import sys

# "issue K", "issues C, I and F", "issue #20", "Issue 20"; a letter must stand alone ("issue I/O"
# and "issue a warning" are words, not tickets)
CITATION = re.compile(r"(?:(\w+)\s+)?\b[Ii]ssues?\s+(#?\d+\b|[A-Z](?![\w/]))")
# words that may precede a citation of this project's own issue; any other word names a project
OWN = {"see", "the", "of", "in", "per", "from", "by", "for", "and", "or", "after", "before", "since",
       "under", "with", "as", "our", "this", "that", "to", "at", "on", "see", "cf"}
EXTENSIONS = (".cpp", ".hpp", ".h", ".cc", ".cxx", ".hxx", ".ipp", ".inc")


def comments(text):
    """(line, comment text) of every comment, skipping string and character literals."""
    out, i, n, line = [], 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append((line, text[i:end]))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            for k, part in enumerate(text[i:end].split("\n")):
                out.append((line + k, part))
            line += text.count("\n", i, end)
            i = end
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                i += 1
                continue
            close = ")" + m.group(1) + '"'
            end = text.find(close, i + m.end())
            end = n if end < 0 else end + len(close)
            line += text.count("\n", i, end)
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        else:
            i += 1
    return out


def citations(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    found = []
    for line, comment in comments(text):
        for m in CITATION.finditer(comment):
            before = m.group(1)
            if before and before.lower() not in OWN and m.group(2).lstrip("#").isdigit():
                continue  # another project's issue number
            found.append((line, comment.strip()))
            break
    return found


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", default=os.path.join(here, "..", "src"), help="folder to read (default src/)")
    p.add_argument("--strict", action="store_true", help="fail when a comment cites an issue (also NETCONV_LINT_STRICT=1)")
    a = p.parse_args()
    strict = a.strict or os.environ.get("NETCONV_LINT_STRICT") == "1"
    root = os.path.realpath(a.root)
    if not os.path.isdir(root):
        print(f"check_issue_letters: no folder {root}", file=sys.stderr)
        return 2
    total, files = 0, 0
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(EXTENSIONS):
                continue
            files += 1
            path = os.path.join(folder, name)
            for line, comment in citations(path):
                total += 1
                print(f"{os.path.relpath(path, os.path.dirname(root))}:{line}: {comment}")
    mode = "strict" if strict else "report mode (NETCONV_LINT_STRICT=1 fails on these)"
    print(f"{total} comment(s) citing issues in {files} file(s); {mode}")
    return 1 if strict and total else 0


if __name__ == "__main__":
    sys.exit(main())
