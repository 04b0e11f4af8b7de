#!/usr/bin/env python3
"""Search files for canaries the way the outside audit did (issue 26).

usage: scan.py [--skip SUBSTRING]... CANARIES_FILE PATH...

CANARIES_FILE holds one canary per line. Every PATH (a file, or a folder walked
whole) is read once; each canary is looked for plain, case-folded, as hex, as
base64 (at each of the three alignments), as UTF-16 (LE and BE), and inside
gzip streams, zip members and PDF Flate streams found in the files. Keep the
list short: a run's tag that every canary value carries finds them all. Prints "HIT <canary> <form> <path>" per hit and
exits 1 when there is any, 0 when there is none, 2 on bad usage.
"""
import base64
import gzip
import io
import os
import re
import sys
import zipfile
import zlib


def forms(canary):
    b = canary.encode("utf-8")
    out = {"plain": b, "folded": canary.lower().encode("utf-8"),
           "hex": b.hex().encode(), "HEX": b.hex().upper().encode(),
           "utf16le": canary.encode("utf-16-le"), "utf16be": canary.encode("utf-16-be")}
    for shift in range(3):
        # the canary at offset shift of a base64 stream: the whole 4-char groups it alone fills
        enc = base64.b64encode(b"\0" * shift + b)
        start = 4 * ((shift + 2) // 3)
        end = 4 * ((shift + len(b)) // 3)
        if end - start >= 8:
            out["base64+%d" % shift] = enc[start:end]
    return out


def members(data):
    """Decompressed contents inside data: gzip streams, zip members, PDF Flate streams."""
    for m in re.finditer(rb"stream\r?\n", data[:1 << 24]):
        try:
            yield "flate", zlib.decompressobj().decompress(data[m.end():m.end() + (1 << 20)])
        except Exception:
            pass
    if data[:2] == b"\x1f\x8b":
        try:
            yield "gzip", gzip.decompress(data)
        except Exception:
            pass
    if b"PK\x03\x04" in data[:4]:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for name in z.namelist():
                    yield "zip:" + name, z.read(name)
        except Exception:
            pass


def files(paths, skip):
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                for n in names:
                    f = os.path.join(root, n)
                    if not any(s in f for s in skip):
                        yield f
        elif os.path.exists(p):
            yield p


def main(argv):
    skip = []
    while len(argv) > 2 and argv[1] == "--skip":
        skip.append(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        canaries = [l.strip() for l in f if l.strip()]
    table = {}
    for c in canaries:
        for form, pat in forms(c).items():
            table.setdefault(pat, (c, form))
    hits = 0
    for path in files(argv[2:], skip):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue
        for where, blob in [("", data)] + list(members(data)):
            for pat, (c, form) in table.items():  # bytes.find: fast, one pattern at a time
                if blob.find(pat) >= 0:
                    print("HIT %s %s %s%s" % (c, form, path, " " + where if where else ""))
                    hits += 1
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
