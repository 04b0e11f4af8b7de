#!/usr/bin/env python3
"""make bench's report over several runs: the median and the spread of each figure.

Reads the runs make bench kept (var/bench/runs/*.json, one per run, each as
var/bench/latest.json), groups the results by scenario and connections, and
writes var/bench/report.md (a table: median and min..max of requests a second,
of the ratio to pgbench and of p99) and var/bench/ratios.svg (the median ratio
per scenario, its spread as a whisker, the 1.0 and 1.3 lines; the console's
pages by their p99 against the 100 ms target), drawn here with no other
runtime. Usage: scripts/bench-report.py [run.json ...]
"""
import glob
import json
import os
import statistics
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "var", "bench")


def load(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            runs.append(json.load(f))
    return runs


def spread(values):
    values = [v for v in values if isinstance(v, (int, float))]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def fmt(t, digits=0):
    if t is None:
        return "-"
    m, lo, hi = t
    f = "%%.%df" % digits
    return (f % m) + " (" + (f % lo) + ".." + (f % hi) + ")"


def main(argv):
    paths = argv[1:] or sorted(glob.glob(os.path.join(OUT, "runs", "*.json")))
    if not paths:
        sys.exit("bench-report: no runs (make bench keeps each in var/bench/runs/)")
    runs = load(paths)
    groups = {}
    order = []
    for run in runs:
        for r in run["results"]:
            key = (r["scenario"], r.get("connections"))
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(r)
    lines = [
        "%d runs (%s); each figure the median, then (min..max)." % (len(runs), ", ".join(os.path.basename(p) for p in paths)),
        "",
        "| scenario | conns | req/s | p99 ms | pgbench/s | ratio | bare ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    bars, pages = [], []
    for key in order:
        rs = groups[key]
        scen, conns = key
        if conns is None:  # timed apart: p50 and the slowest, or a rate
            fig = {k: spread([r.get(k) for r in rs]) for k in ("p50_ms", "max_ms", "p90_ms", "per_second", "read_p99_ms_during", "seconds")}
            shown = ", ".join("%s %s" % (k, fmt(v, 1)) for k, v in fig.items() if v is not None)
            lines.append("| %s | | %s | | | | |" % (scen, shown))
            continue
        rps = spread([r["requests_per_second"] for r in rs])
        p99 = spread([r["p99_ms"] for r in rs])
        pg = spread([r["pgbench_tps"] for r in rs if r.get("pgbench_tps")])
        ratio = spread([r["ratio"] for r in rs if r.get("pgbench_tps")])
        bare = spread([r.get("bare_ratio") for r in rs])
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (scen, conns, fmt(rps), fmt(p99, 1), fmt(pg), fmt(ratio, 2), fmt(bare, 2)))
        if ratio is not None:
            bars.append(("%s @%s" % (scen, conns), ratio))
        elif scen in ("board", "staff_search", "staff_home", "privacy_queue"):
            pages.append(("%s @%s" % (scen, conns), p99))
    with open(os.path.join(OUT, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(OUT, "ratios.svg"), "w") as f:
        f.write(svg(bars, pages, len(runs)))
    print("\n".join(lines))
    print("written: var/bench/report.md, var/bench/ratios.svg")


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def panel(out, y0, title, rows, top, unit_lines, label, fmt_value):
    """Horizontal bars from 0 to top: each row (name, (median, lo, hi))."""
    left, width, row = 170, 460, 22
    out.append('<text x="10" y="%d" font-weight="bold">%s</text>' % (y0 + 14, esc(title)))
    y = y0 + 26
    for value, text in unit_lines:
        x = left + width * min(value, top) / top
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#888" stroke-dasharray="4 3"/>' % (x, y, x, y + row * len(rows)))
        out.append('<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="#555">%s</text>' % (x, y + row * len(rows) + 13, esc(text)))
    for name, (m, lo, hi) in rows:
        w = width * min(m, top) / top
        out.append('<text x="%d" y="%d" text-anchor="end" font-size="12">%s</text>' % (left - 6, y + 15, esc(name)))
        out.append('<rect x="%d" y="%d" width="%.1f" height="14" fill="%s"/>' % (left, y + 4, w, label(m)))
        x1, x2 = left + width * min(lo, top) / top, left + width * min(hi, top) / top
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000"/>' % (x1, y + 11, x2, y + 11))
        out.append('<text x="%.1f" y="%d" font-size="11">%s</text>' % (left + w + 4 if w < width - 60 else left + w - 56, y + 15, esc(fmt_value(m))))
        y += row
    return y + 24


def svg(bars, pages, nruns):
    out = []
    y = 10
    if bars:
        top = max(2.0, max(hi for _, (_, _, hi) in bars) * 1.05)
        y = panel(out, y, "recruitd / pgbench, same statements, same concurrency (median of %d, whisker: min..max)" % nruns,
                  bars, top, [(1.0, "1.0"), (1.3, "1.3 target")],
                  lambda m: "#2b7a3d" if m >= 1.3 else ("#c98a00" if m >= 1.0 else "#b3261e"), lambda m: "%.2f" % m)
    if pages:
        top = max(120.0, max(hi for _, (_, _, hi) in pages) * 1.05)
        y = panel(out, y, "console pages: p99 ms at 8 staff sessions (target under 100)", pages, top,
                  [(100.0, "100 ms")], lambda m: "#2b7a3d" if m < 100 else "#b3261e", lambda m: "%.1f ms" % m)
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="700" height="%d" font-family="sans-serif" font-size="13">'
            '<rect width="100%%" height="100%%" fill="#fff"/>%s</svg>\n' % (y, "".join(out)))


if __name__ == "__main__":
    main(sys.argv)
