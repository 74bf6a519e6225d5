#!/usr/bin/env python3
"""Lists every function, method and lambda in src/ whose definition is longer than a limit.

The project's rule is no function over ~80 lines (a reader should see a function whole). Each
translation unit of build/compile_commands.json under the source root is parsed with libclang
(Debian python3-clang-14), with the flags it is compiled with; every function, method,
constructor, destructor, conversion, template and lambda with a body, defined in a file under the
root (.cpp or header), is measured from its first line to its closing brace. A definition seen
through several translation units is listed once. A translation unit whose file, included files
under the root and flags are unchanged since the last run is not parsed again (its answer is kept
in the build folder).

Exit status: 0 in report mode (the default: offenders listed, the run passes) or when nothing is
over the limit; 1 in strict mode (--strict or NETCONV_LINT_STRICT=1) when something is, or when
libclang could not parse a translation unit in full (listed on stderr); 2 on a usage error; 77 when libclang cannot be loaded (CTest reports the test as skipped, saying why).

Usage: check_function_length.py [--build DIR] [--root DIR] [--max N] [--strict] [--jobs N]
"""
import argparse
import hashlib
import json
import os
import shlex
import sys
from concurrent.futures import ProcessPoolExecutor

SKIP = 77


def load_cindex():
    try:
        import clang.cindex as cindex  # noqa: F401
    except ImportError:
        # Debian's python3-clang-14 installs into the system interpreter's dist-packages, which an
        # interpreter from pyenv or a virtualenv does not search.
        sys.path.append("/usr/lib/python3/dist-packages")
        try:
            import clang.cindex as cindex  # noqa: F401
        except ImportError:
            return None
    try:
        cindex.Index.create()
    except Exception:  # the bindings are there but libclang.so is not
        return None
    return cindex


def compile_args(entry):
    """The compiler flags of one compile_commands.json entry, without compiler, output and input."""
    argv = entry.get("arguments") or shlex.split(entry["command"])
    while argv and not argv[0].startswith("-"):  # launcher (ccache) and compiler
        if argv[0].endswith(("ccache", "c++", "g++", "clang++", "cc", "gcc", "clang")) or "++" in os.path.basename(argv[0]):
            argv = argv[1:]
        else:
            break
    args, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in ("-o", "-c"):
            skip = a == "-o"
            continue
        if a == entry["file"] or os.path.abspath(os.path.join(entry["directory"], a)) == entry["file"]:
            continue
        args.append(a)
    return args


def function_kinds(cindex):
    k = cindex.CursorKind
    return {k.FUNCTION_DECL, k.CXX_METHOD, k.CONSTRUCTOR, k.DESTRUCTOR, k.CONVERSION_FUNCTION,
            k.FUNCTION_TEMPLATE, k.LAMBDA_EXPR}


def under(path, root):
    return path is not None and os.path.abspath(path).startswith(root + os.sep)


def measure(task):
    """(file, line, name, length) of every definition over the limit in one translation unit."""
    entry, root, limit = task
    cindex = load_cindex()
    kinds = function_kinds(cindex)
    index = cindex.Index.create()
    os.chdir(entry["directory"])
    tu = index.parse(entry["file"], args=compile_args(entry))
    found = []

    def visit(cursor):
        for child in cursor.get_children():
            loc = child.location.file
            if loc is None or not under(loc.name, root):
                continue
            if child.kind in kinds and any(c.kind == cindex.CursorKind.COMPOUND_STMT for c in child.get_children()):
                start, end = child.extent.start.line, child.extent.end.line
                length = end - start + 1
                if length > limit:
                    name = child.spelling or "<lambda>"
                    if child.kind == cindex.CursorKind.LAMBDA_EXPR:
                        name = "lambda in " + (cursor.spelling or "?")
                    elif child.semantic_parent is not None and child.semantic_parent.kind in (
                            cindex.CursorKind.CLASS_DECL, cindex.CursorKind.STRUCT_DECL, cindex.CursorKind.CLASS_TEMPLATE):
                        name = child.semantic_parent.spelling + "::" + name
                    found.append((os.path.relpath(os.path.abspath(loc.name), os.path.dirname(root)), start, name, length))
            visit(child)

    visit(tu.cursor)
    includes = sorted({os.path.realpath(i.include.name) for i in tu.get_includes()
                       if i.include is not None and under(os.path.realpath(i.include.name), root)})
    errors = [f"{d.location.file}:{d.location.line}: {d.spelling}" for d in tu.diagnostics if d.severity >= 3]
    return entry["file"], includes, found, errors


def cache_key(entry, includes, limit):
    """What a translation unit's answer depends on: its flags, the limit, its file and the files
    under the root it includes (a changed include list means a changed file among these)."""
    h = hashlib.sha256(json.dumps([compile_args(entry), limit, includes]).encode())
    for path in [entry["file"]] + includes:
        try:
            with open(path, "rb") as f:
                h.update(f.read())
        except OSError:
            return None
    return h.hexdigest()


def load_cache(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=os.path.join(here, "..", "build"), help="build folder with compile_commands.json")
    p.add_argument("--root", default=os.path.join(here, "..", "src"), help="only definitions in files under this folder")
    p.add_argument("--max", type=int, default=80, help="longest allowed definition, in lines (default 80)")
    p.add_argument("--strict", action="store_true", help="fail when anything is over (also NETCONV_LINT_STRICT=1)")
    p.add_argument("--jobs", type=int, default=int(os.environ.get("NETCONV_LINT_JOBS", "2")))
    a = p.parse_args()
    strict = a.strict or os.environ.get("NETCONV_LINT_STRICT") == "1"
    a.build = os.path.abspath(a.build)  # measure() changes the working folder
    if load_cindex() is None:
        print("skipped: libclang's Python bindings not found (apt-get install python3-clang-14; "
              "scripts/install-deps.sh --test installs it)")
        return SKIP
    db = os.path.join(a.build, "compile_commands.json")
    if not os.path.isfile(db):
        print(f"check_function_length: no {db}: configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON", file=sys.stderr)
        return 2
    root = os.path.realpath(a.root)
    with open(db) as f:
        entries = [e for e in json.load(f) if under(os.path.realpath(e["file"]), root)]
    if not entries:
        print(f"check_function_length: no translation unit under {root} in {db}", file=sys.stderr)
        return 2
    # Answers of unchanged translation units are kept in the build folder, so that a rerun
    # parses only what changed (a full parse costs about a second of CPU per translation unit).
    cache_path = os.path.join(a.build, "check_function_length.cache.json")
    cache = load_cache(cache_path)
    results, tasks = [], []
    for e in entries:
        kept = cache.get(e["file"])
        if kept and kept.get("key") == cache_key(e, kept.get("includes", []), a.max):
            results.append([tuple(o) for o in kept["found"]])
        else:
            tasks.append((e, root, a.max))
    if a.jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=a.jobs) as pool:
            measured = list(pool.map(measure, tasks))
    else:
        measured = [measure(t) for t in tasks]
    by_file = {e["file"]: e for e in entries}
    unparsed = 0
    for file, includes, found, errors in measured:
        results.append(found)
        if errors:  # libclang could not read it all: the answer may miss definitions
            unparsed += 1
            print(f"{file}: {len(errors)} parse error(s), not measured in full; first: {errors[0]}", file=sys.stderr)
            continue
        cache[file] = {"key": cache_key(by_file[file], includes, a.max), "includes": includes, "found": found}
    try:
        with open(cache_path, "w") as f:
            json.dump(cache, f)
    except OSError:
        pass  # a read-only build folder: the next run parses again
    offenders = sorted({o for r in results for o in r})
    for path, line, name, length in offenders:
        print(f"{path}:{line}: {name}: {length} lines (limit {a.max})")
    mode = "strict" if strict else "report mode (NETCONV_LINT_STRICT=1 fails on these)"
    print(f"{len(offenders)} definition(s) over {a.max} lines in {len(entries)} translation unit(s) "
          f"({len(tasks)} parsed, the others unchanged since the last run); {mode}")
    return 1 if strict and (offenders or unparsed) else 0


if __name__ == "__main__":
    sys.exit(main())
