#!/usr/bin/env python3
"""The list of endpoints in docs/api.md, printed from server/openapi.yaml (each operation's
method, path and summary), so the docs never disagree with the API description.

  scripts/api-index.py            print the list (markdown)
  scripts/api-index.py --check    exit 1 unless docs/api.md ends with exactly that list
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARK = "<!-- the endpoints: printed by scripts/api-index.py from server/openapi.yaml -->"


def index():
    rows, path, method = [], None, None
    with open(os.path.join(TOP, "server", "openapi.yaml")) as f:
        in_paths = False
        for line in f:
            if line.startswith("paths:"):
                in_paths = True
                continue
            if in_paths and re.match(r"^\S", line):
                break
            if not in_paths:
                continue
            m = re.match(r"^  (/\S*):\s*$", line)
            if m:
                path = m.group(1)
                continue
            m = re.match(r"^    (get|put|post|patch|delete):\s*$", line)
            if m:
                method = m.group(1).upper()
                continue
            m = re.match(r"^      summary:\s*(.*)$", line)
            if m and path and method:
                summary = m.group(1).strip().strip('"')
                rows.append(f"| `{method} {path}` | {summary} |")
                method = None
    return "\n".join([MARK, "", "| endpoint | what |", "|---|---|"] + rows) + "\n"


def main():
    text = index()
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        doc = open(os.path.join(TOP, "docs", "api.md")).read()
        at = doc.find(MARK)
        if at < 0 or doc[at:] != text:
            print("docs/api.md's list of endpoints is not server/openapi.yaml's: run "
                  "scripts/api-index.py and put its output at the end of docs/api.md",
                  file=sys.stderr)
            return 1
        print("docs/api.md lists every endpoint of server/openapi.yaml")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
