#!/usr/bin/python3
"""Checks, with the compiler, what the per-module libraries of src/meson.build promise.

  check_headers.py BUILD_DIR headers LAYER...   every public header compiles alone (included
      twice, by its public name) with exactly the flags its own module's sources get, minus the
      module's source folder: a header that misses an include, or needs a private header,
      fails.
  check_headers.py BUILD_DIR layering LAYER...  from each module's flags, every other module's
      header is tried: a module sees only modules earlier in LAYER (so a wrong-way include, e.g.
      a telemetry header from util, fails to compile), every module sees util (the control that
      includes do work), and no module sees the repository root ("src/...", "include/...").

The flags come from BUILD_DIR/compile_commands.json (the command of one source of
libhallmark_<module>.a), so the check follows the build files instead of repeating them.
"""
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys

SKIP_WITH_VALUE = {"-o", "-c", "-MQ", "-MF", "-MT"}
SKIP = {"-MD", "-MMD"}


def module_flags(build, layers):
    with open(os.path.join(build, "compile_commands.json")) as f:
        commands = json.load(f)
    flags = {}
    for entry in commands:
        for m in layers:
            if m in flags or not entry["output"].startswith(f"src/{m}/libhallmark_{m}.a.p/"):
                continue
            args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
            if os.path.basename(args[0]) == "ccache":
                args = args[1:]
            kept, skip_next = [args[0]], False
            for a in args[1:]:
                if skip_next:
                    skip_next = False
                elif a in SKIP_WITH_VALUE:
                    skip_next = True
                elif a in SKIP or a == entry["file"]:
                    pass
                elif a.startswith("-I") and private_dir(entry["directory"], a[2:], m):
                    pass
                else:
                    kept.append(a)
            flags[m] = (entry["directory"], kept)
    missing = [m for m in layers if m not in flags]
    if missing:
        sys.exit(f"check_headers: no compile command for module(s) {missing} in compile_commands.json")
    return flags


def private_dir(directory, path, module):
    """True for the module's own source or build folder (util's generated header lives there)."""
    real = os.path.realpath(os.path.join(directory, path))
    return real.rstrip("/").endswith(f"/src/{module}")


def compile_text(flags, text, syntax_only):
    directory, args = flags
    mode = ["-fsyntax-only"] if syntax_only else ["-E", "-o", os.devnull]
    p = subprocess.run(args + mode + ["-x", "c++", "-"], cwd=directory, input=text,
                       capture_output=True, text=True)
    return p.returncode, p.stderr


def public_headers(source, module):
    root = os.path.join(source, "include", "hallmark", module)
    return sorted(f for f in os.listdir(root) if f.endswith((".hpp", ".h")))


def check_headers(source, flags, layers):
    jobs = []
    for m in layers:
        for h in public_headers(source, m):
            jobs.append((m, h, f'#include "hallmark/{m}/{h}"\n#include "hallmark/{m}/{h}"\n'))
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda j: compile_text(flags[j[0]], j[2], True), jobs)
        for (m, h, _), (rc, err) in zip(jobs, results):
            if rc != 0:
                failed += 1
                print(f"FAIL hallmark/{m}/{h} does not compile alone with {m}'s flags:\n{err}")
    print(f"{len(jobs) - failed} of {len(jobs)} public headers compile alone")
    return failed == 0


def reaches(flags, path):
    """Whether `#include "path"` finds the file (what it includes in turn does not matter)."""
    rc, err = compile_text(flags, f'#include "{path}"\n', False)
    return rc == 0 or f"{path}: No such file or directory" not in err


def check_layering(source, flags, layers):
    ok = True
    for i, m in enumerate(layers):
        seen = [n for n in layers
                if n != m and reaches(flags[m], f"hallmark/{n}/{public_headers(source, n)[0]}")]
        upward = [n for n in seen if layers.index(n) > i]
        if upward:
            ok = False
            print(f"FAIL {m} can include headers of {upward}, which come after it in the layers")
        if m != "util" and "util" not in seen:
            ok = False
            print(f"FAIL {m} cannot include util's headers: the check itself is broken")
        for path in ("include/hallmark/util/result.hpp", "src/sbom/eco/eco.hpp", "hallmark_config.h"):
            if reaches(flags[m], path):
                ok = False
                print(f'FAIL {m} reaches #include "{path}" (the repository or build root is on its path)')
        print(f"{m} sees: {' '.join(seen) or '(nothing)'}")
    return ok


def main():
    if len(sys.argv) < 4 or sys.argv[2] not in ("headers", "layering"):
        sys.exit(__doc__)
    build, mode, layers = sys.argv[1], sys.argv[2], sys.argv[3:]
    source = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    flags = module_flags(build, layers)
    ok = check_headers(source, flags, layers) if mode == "headers" else check_layering(source, flags, layers)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
