"""Writes one mutated copy of a Sigstore bundle per field: every string leaf changed (base64
decoded, one byte flipped in the middle, re-encoded; numbers + 1; text altered), every key
deleted. Prints "FILE<TAB>DESCRIPTION" lines. Usage: mutate_bundle.py BUNDLE OUTDIR"""
import base64, binascii, copy, json, os, sys

# Unauthenticated hints that the Sigstore spec lets a verifier ignore: changing or dropping
# them cannot make a bundle verify that should not (docs/verify.md).
HINTS = {"keyid", "hint"}
# Optional evidence whose removal leaves the remaining evidence to decide.
OPTIONAL_DELETIONS = {"messageDigest", "inclusionPromise", "checkpoint"}

src, out = sys.argv[1], sys.argv[2]
doc = json.load(open(src))
n = 0


def emit(mutated, what):
    global n
    n += 1
    path = os.path.join(out, "m%03d.json" % n)
    json.dump(mutated, open(path, "w"))
    print("%s\t%s" % (path, what))


def alter(value):
    if value.lstrip("-").isdigit():
        return str(int(value) + 1)
    try:
        raw = base64.b64decode(value, validate=True)
        if len(raw) >= 4:
            b = bytearray(raw)
            b[len(b) // 2] ^= 0x01
            return base64.b64encode(bytes(b)).decode()
    except (binascii.Error, ValueError):
        pass
    return value[:-1] + ("x" if not value.endswith("x") else "y") if value else "x"


def walk(node, path):
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        here = path + [key]
        name = ".".join(str(p) for p in here)
        if isinstance(value, (dict, list)):
            walk(value, here)
        elif isinstance(value, str) and key not in HINTS:
            m = copy.deepcopy(doc)
            target = m
            for p in here[:-1]:
                target = target[p]
            target[key] = alter(value)
            emit(m, "changed " + name)
        if isinstance(node, dict) and key not in HINTS and key not in OPTIONAL_DELETIONS:
            m = copy.deepcopy(doc)
            target = m
            for p in here[:-1]:
                target = target[p]
            del target[key]
            emit(m, "deleted " + name)


walk(doc, [])
