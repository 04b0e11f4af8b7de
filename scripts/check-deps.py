#!/usr/bin/env python3
"""make check-deps: the layers of server/ depend only downward (STYLE.md, docs/architecture.md).

Everything is read from the compiler's own output, never from the spelling of the
source: `cc -E -H` over every source file and header gives the headers each file
includes (one line per include, by depth, whatever the spelling: angle brackets,
`# include`, a macro, a relative path) and the preprocessed text, in which adjacent
string literals and the macros between them are already joined as the compiler sees
them; `nm` over the build's objects gives the symbols each module takes from the
others, so a call through a hand-written prototype is caught too.

  1. includes: a file of layer A includes a header of layer B only if A may use B,
     and never a library header its layer is barred from (libpq outside store/, ...);
  2. symbols: the same directions for what an object file calls;
  3. no cycles between modules, inside a layer too;
  4. personal data has one owner: SQL that names an applicant's personal columns
     (plain or sealed, however spelt or split) only in the modules listed below, and
     only store/erasure.c deletes an applicant;
  5. a length cast to int for libpq is checked by db_fits first;
  6. no C file over 600 lines (the API suites over it before the rule may not grow).

  scripts/check-deps.py [BUILD_DIR [SOURCE_ROOT]]
BUILD_DIR defaults to build/release; SOURCE_ROOT (default: the checkout) is where
server/ and include/ are read (make test's self-test plants violations in a copy).
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Who may use whom: main -> everything; api, pages -> flows, edge, domain, core; jobs ->
# flows, store, domain, core; flows -> store, domain, core; store -> domain, core;
# edge -> core (and store/pool.h, the lease); domain -> core.
ALLOWED = {
    "main": {"main", "api", "pages", "flows", "jobs", "edge", "store", "domain", "core", "keys"},
    "api": {"api", "flows", "edge", "domain", "core"},
    "pages": {"pages", "flows", "edge", "domain", "core"},
    "jobs": {"jobs", "flows", "store", "domain", "core"},
    "flows": {"flows", "store", "domain", "core"},
    "store": {"store", "domain", "core"},
    "edge": {"edge", "core"},
    "domain": {"domain", "core"},
    "core": {"core"},
}
# The edge leases connections from the pool, and nothing else of the store.
EXCEPTIONS = {("edge", "store/pool.h"), ("edge", "store/pool.o")}
# The libraries and where each may be used (docs/architecture.md, "Library headers by
# layer"): its headers (included directly or through a header of that layer's own) and its
# symbols (what an object file calls, so a hand-written prototype is caught too). A layer
# or a single file; main uses everything.
LIBRARIES = [
    ("libpq", ["libpq-fe.h", "libpq/"], r"^(PQ|lo_)[a-z]", {"store", "main"}),
    ("libmicrohttpd", ["microhttpd.h"], r"^MHD_", {"edge", "main"}),
    ("libarchive", ["archive.h", "archive_entry.h"], r"^archive_", {"domain", "store", "main"}),
    ("libcurl", ["curl/"], r"^curl_",
     {"jobs", "main", "server/flows/sso.c"}),
    ("libcjose", ["cjose/"], r"^cjose_", {"server/domain/idtoken.c", "main"}),
]


def library_allowed(allowed, rel):
    """Whether the file rel (server/x/y.c, include/x/y.h or x/y.o) may use a library."""
    layer = layer_of(rel) or rel.split("/", 1)[0]
    if layer in allowed:
        return True
    src = rel if rel.startswith(("server/", "include/")) else "server/" + rel[:-2] + ".c"
    return src in allowed

# An applicant's personal columns, plain and sealed, and the blind indexes over them.
PERSONAL = (r"(full_name|email|phone|address|social_handles|job_title|source_detail|legal_hold_reason)"
            r"(_sealed|_hash)?|title_sealed|social_sealed|search_grams")
# The modules that may name them in SQL: the applicant's own module and those whose
# tables keep such a column of their own (a pending submission, a request's contact).
PERSONAL_OWNERS = {
    "server/store/applicants.c",
    "server/store/applicant_adopt.c",
    "server/store/applicant_privacy.c",
    "server/store/applicant_rows.c",
    "server/store/applicant_search.c",
    "server/store/applicant_upkeep.c",
    "server/store/pending.c",
    "server/store/privacy.c",
    "server/store/privacy_contacts.c",
}
# A statement, however its table is named: a schema, quotes, an alias (UPDATE applicants a
# SET, UPDATE "public"."applicants" AS a SET), MERGE, COPY.
TABLE = r"(only\s+)?[a-z_\\\"]+(\s*\.\s*[a-z_\\\"]+)?"
SQL = re.compile(
    r"\b(select\b.*\bfrom|insert\s+into|update\s+" + TABLE + r"(\s+(as\s+)?[a-z_]+)?\s+set|"
    r"delete\s+from|merge\s+into|returning|on\s+conflict|truncate|"
    r"copy\s+(" + TABLE + r"(\s*\([^)]*\))?|\(.*\))\s+(from|to))\b", re.S)
WORD = re.compile(r"(?<![a-z0-9_$])(?:[a-z_]\w*\.)?(" + PERSONAL + r")(?![a-z0-9_])")
# Checked with the quotes taken out of the statement ("public"."applicants").
DELETE_APPLICANT = re.compile(
    r"(delete\s+from|truncate(\s+table)?)\s+(only\s+)?(public\s*\.\s*)?applicants(?![a-z0-9_])")

problems = []


def complain(msg):
    problems.append(msg)


def layer_of(path):
    """server/api/x.c, include/api/x.h -> api; None outside our layers."""
    for base in ("server/", "include/"):
        i = path.rfind(base)
        if i >= 0:
            rest = path[i + len(base):]
            if "/" in rest:
                return rest.split("/", 1)[0]
    return None


def ours(path, root):
    """The path relative to root when it is one of our sources or headers, else None."""
    p = os.path.normpath(path)
    r = os.path.normpath(root) + "/"
    if p.startswith(r):
        rel = p[len(r):]
        if rel.startswith(("server/", "include/")):
            return rel
    return None


def cflags():
    pkgs = "libmicrohttpd jansson libpq libcrypto libarchive zlib libcurl cjose"
    out = subprocess.run(["pkg-config", "--cflags"] + pkgs.split(), capture_output=True,
                         text=True, check=True).stdout
    return ["-std=c17", "-D_GNU_SOURCE"] + shlex.split(out)


def preprocess(root, rel, flags):
    """(include edges [(includer, included)], preprocessed text) of one file, from cc -E -H."""
    cmd = [os.environ.get("CC", "cc")] + flags + ["-I" + os.path.join(root, "include"), "-E", "-H"]
    if rel.endswith(".h"):
        cmd += ["-x", "c"]
    cmd.append(os.path.join(root, rel))
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    if p.returncode != 0:
        complain(f"{rel}: the preprocessor failed: {p.stderr.strip().splitlines()[-1:]}")
        return [], ""
    stack = [os.path.join(root, rel)]
    edges = []
    for line in p.stderr.splitlines():
        m = re.match(r"^(\.+) (.*)$", line)
        if not m:
            continue
        depth, path = len(m.group(1)), m.group(2)
        del stack[depth:]
        edges.append((stack[-1], path))
        stack.append(path)
    return edges, p.stdout


def check_includes(root, rel, edges):
    for includer, included in edges:
        src = ours(includer, root)
        if src is None:
            continue  # a library's header including another
        frm = layer_of(src)
        if frm not in ALLOWED:
            complain(f"{src}: {frm} is not a known layer")
            continue
        dst = ours(included, root)
        if dst is not None:
            to = layer_of(dst)
            name = dst.split("/", 1)[1] if dst.startswith("include/") else dst
            if to is None or (frm, name) in EXCEPTIONS:
                continue
            if to not in ALLOWED[frm]:
                complain(f"{src}: {frm} may not include \"{name}\" (through {rel})"
                         if src != rel else f"{src}: {frm} may not include \"{name}\"")
            continue
        for lib, headers, _, allowed in LIBRARIES:
            for h in headers:
                if (included.endswith("/" + h) if not h.endswith("/") else
                        "/" + h in included) and not library_allowed(allowed, src):
                    name = h if not h.endswith("/") else included[included.rfind("/" + h) + 1:]
                    complain(f"{src}: {frm} may not include <{name}> ({lib})")


def literals(text):
    """The string literals of preprocessed C, adjacent ones joined as the compiler joins them."""
    out, cur, i, n = [], None, 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j, buf = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    buf.append(text[j:j + 2])
                    j += 2
                else:
                    buf.append(text[j])
                    j += 1
            s = "".join(buf)
            cur = s if cur is None else cur + s
            i = j + 1
            continue
        if c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        elif c == "#" and (i == 0 or text[i - 1] == "\n"):
            while i < n and text[i] != "\n":
                i += 1
            continue  # a line marker does not end a run of literals
        elif not c.isspace():
            if cur is not None:
                out.append(cur)
                cur = None
            i += 1
            continue
        else:
            i += 1
            continue
        if cur is not None:
            out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return out


def only_own_text(text, root, rel):
    """The part of preprocessed text that came from the file itself (not its headers)."""
    keep, mine, path = [], True, os.path.join(root, rel)
    for line in text.splitlines(keepends=True):
        m = re.match(r'^# \d+ "([^"]*)"', line)
        if m:
            mine = os.path.normpath(m.group(1)) == os.path.normpath(path) or m.group(1) == path
            keep.append("\n")
            continue
        if mine:
            keep.append(line)
    return "".join(keep)


def check_sql(rel, text):
    for lit in literals(text):
        low = lit.lower()
        if not SQL.search(low):
            continue
        if rel not in PERSONAL_OWNERS and WORD.search(low):
            col = WORD.search(low).group(1)
            complain(f"{rel}: SQL names the personal column {col}: only the applicant's "
                     "store modules read or write an applicant's personal columns")
        unquoted = low.replace('\\"', "").replace('"', "")
        if rel != "server/store/erasure.c" and DELETE_APPLICANT.search(unquoted):
            complain(f"{rel}: only store/erasure.c deletes an applicant")


def same_file(a, b):
    try:
        with open(a, "rb") as x, open(b, "rb") as y:
            return x.read() == y.read()
    except OSError:
        return False


def check_lengths(root):
    """5. A length given to libpq (its int lengths[]) is checked by db_fits first: an (int)
    cast of a larger size_t would be a negative or wrapped length. In store/, flows/ and
    api/, every "(int)X" on a line that fills lengths must follow a db_fits(..., X) earlier
    in the same function."""
    for layer in ("store", "flows", "api"):
        d = os.path.join(root, "server", layer)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith(".c"):
                continue
            rel = f"server/{layer}/{name}"
            fits = set()
            with open(os.path.join(d, name), errors="replace") as src:
                for n, line in enumerate(src, 1):
                    if line.startswith("{"):
                        fits = set()
                    for m in re.finditer(r"db_fits\([^,]*,\s*([^)]*)\)", line):
                        fits.add(m.group(1).strip())
                    if "lengths" in line:
                        for m in re.finditer(r"\(int\)\s*([A-Za-z_][A-Za-z0-9_.>-]*)", line):
                            if m.group(1) not in fits:
                                complain(f"{rel}:{n}: (int){m.group(1)}: a length cast for "
                                         "libpq without db_fits before it")


# No C file over 600 lines (STYLE.md; issue 25): one that grows past it is split by concern.
MAX_LINES = 600
# The API suites written before the rule reached tests/ and not yet split: each may not
# grow past what it is now, and is to be split by concern (they are listed, not exempt).
# None is left.
TESTS_OVER = {}


def check_sizes(root):
    """6. No C source or header of server/, include/ or tests/ over MAX_LINES lines."""
    for base in ("server", "include", "tests"):
        for d, dirs, fs in os.walk(os.path.join(root, base)):
            dirs[:] = [x for x in dirs if x != "node_modules"]
            for f in fs:
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(d, f)
                rel = os.path.relpath(path, root)
                with open(path, "rb") as src:
                    n = src.read().count(b"\n")
                limit = max(MAX_LINES, TESTS_OVER.get(rel, 0))
                if n > limit:
                    complain(f"{rel}: over {limit} lines ({n}): split it by concern")


def check_symbols(objdir, root, flags, scratch):
    """nm over the build's objects; a source of root that differs from the checkout's (the
    self-test's plants) is compiled into scratch and judged instead."""
    sources = sorted(f"server/{d}/{f}" for d in os.listdir(os.path.join(root, "server"))
                     if os.path.isdir(os.path.join(root, "server", d))
                     for f in os.listdir(os.path.join(root, "server", d)) if f.endswith(".c"))
    if not all(os.path.exists(os.path.join(objdir, s[:-2] + ".o")) for s in sources
               if same_file(os.path.join(root, s), os.path.join(TOP, s))):
        subprocess.run(["make", "--no-print-directory", f"-j{os.cpu_count()}", "build"],
                       cwd=TOP, check=True, stdout=subprocess.DEVNULL)
    objects = []
    for s in sources:
        if root == TOP or same_file(os.path.join(root, s), os.path.join(TOP, s)):
            objects.append(os.path.join(objdir, s[:-2] + ".o"))
            continue
        o = os.path.join(scratch, "server", s[len("server/"):-2] + ".o")
        os.makedirs(os.path.dirname(o), exist_ok=True)
        subprocess.run([os.environ.get("CC", "cc")] + flags +
                       ["-I" + os.path.join(root, "include"), "-c", "-o", o,
                        os.path.join(root, s)], check=True, capture_output=True)
        objects.append(o)
    bases = {o: (os.path.join(scratch, "server") if o.startswith(scratch)
                 else os.path.join(objdir, "server")) for o in objects}
    defined = subprocess.run(["nm", "-A", "--defined-only", "-g"] + objects, capture_output=True,
                             text=True, check=True).stdout
    owner = {}
    for line in defined.splitlines():
        obj, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 3 and parts[1] in "TDBRtdbr" and parts[1].isupper():
            owner[parts[2]] = os.path.relpath(obj, bases[obj])
    undefined = subprocess.run(["nm", "-A", "-u"] + objects, capture_output=True, text=True,
                               check=True).stdout
    graph = {}
    for line in undefined.splitlines():
        obj, _, rest = line.partition(":")
        sym = rest.split()[-1]
        rel = os.path.relpath(obj, bases[obj])
        d = owner.get(sym)
        if d is None:  # a library's: only where that library may be used
            for lib, _, pattern, allowed in LIBRARIES:
                if re.match(pattern, sym) and not library_allowed(allowed, rel):
                    complain(f"{rel} calls {sym} of {lib}: {rel.split('/')[0]} may not use {lib}")
            continue
        frm, to = rel.split("/")[0], d.split("/")[0]
        if ((frm, d) not in EXCEPTIONS and to not in ALLOWED.get(frm, set())):
            complain(f"{rel} calls {sym} of {d}: {frm} may not use {to}")
        if d != rel:
            graph.setdefault(rel[:-2], set()).add(d[:-2])
    # modules calling each other in a cycle (depth-first, iterative)
    state = {}
    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(graph.get(start, ()))))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                complain(f"modules call each other in a cycle through {node} and {nxt}")
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(sorted(graph.get(nxt, ())))))


def main():
    objdir = sys.argv[1] if len(sys.argv) > 1 else "build/release"
    objdir = objdir if os.path.isabs(objdir) else os.path.join(TOP, objdir)
    root = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else TOP
    files = sorted(os.path.relpath(os.path.join(d, f), root)
                   for base in ("server", "include")
                   for d, _, fs in os.walk(os.path.join(root, base))
                   for f in fs if f.endswith((".c", ".h")))
    flags = cflags()
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = list(pool.map(lambda rel: (rel, preprocess(root, rel, flags)), files))
    for rel, (edges, text) in results:
        if layer_of(rel) not in ALLOWED:
            complain(f"{rel}: {layer_of(rel)} is not a known layer")
            continue
        check_includes(root, rel, edges)
        if rel.endswith(".c"):
            check_sql(rel, only_own_text(text, root, rel))
    check_lengths(root)
    check_sizes(root)
    with tempfile.TemporaryDirectory() as scratch:
        check_symbols(objdir, root, flags, scratch)
    seen = set()
    for p in problems:
        if p not in seen:
            seen.add(p)
            print(f"check-deps: {p}", file=sys.stderr)
    if problems:
        print(f"check-deps: {len(seen)} violation(s) of the layers (see docs/architecture.md)",
              file=sys.stderr)
        return 1
    print("check-deps: the layers depend only downward")
    return 0


if __name__ == "__main__":
    sys.exit(main())
