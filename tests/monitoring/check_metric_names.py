#!/usr/bin/env python3
"""Every metric the monitoring files use is one conv exports.

  check_metric_names.py --scrape FILE... --dashboard JSON... --rules YAML...

Reads the metric names of each PromQL expression in the Grafana dashboards (every panel
target's `expr`, and the templating queries) and in the alert rules (every `expr:`), and fails
listing each name that none of the scraped /metrics texts (from running conv processes) has.
A histogram family `x` provides `x_bucket`, `x_sum` and `x_count`. No YAML library needed: the
rules' `expr:` values are read as written in deploy/monitoring (inline or `|` blocks).
"""
import argparse
import json
import re
import sys

KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
    "offset", "bool", "inf", "nan",
}


def exported(scrapes):
    names = set()
    for path in scrapes:
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"# TYPE (\S+) (\S+)", line)
                if m:
                    names.add(m.group(1))
                    if m.group(2) == "histogram":
                        names.update(m.group(1) + s for s in ("_bucket", "_sum", "_count"))
                elif line.strip() and not line.startswith("#"):
                    names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def metric_names(expr):
    """The metric names a PromQL expression selects (or label_values() reads)."""
    found = set()
    # label_values(metric, label): the metric only.
    for m in re.finditer(r"label_values\(\s*([a-zA-Z_:][\w:]*)\s*,[^)]*\)", expr):
        found.add(m.group(1))
    expr = re.sub(r"label_values\([^)]*\)", " ", expr)
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', " ", expr)  # strings (label values, annotations)
    expr = re.sub(r"\{[^}]*\}", " ", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", " ", expr)  # ranges
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    expr = re.sub(r"\$\{?\w+\}?", " ", expr)  # dashboard variables
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?", expr):
        name, call = m.group(1), m.group(2)
        if call or name.lower() in KEYWORDS:
            continue  # a function, or an operator word
        found.add(name)
    return found


def dashboard_exprs(path):
    with open(path, encoding="utf-8") as f:
        dash = json.load(f)
    out = []

    def panels(items):
        for p in items:
            out.extend(t["expr"] for t in p.get("targets", []) if "expr" in t)
            panels(p.get("panels", []))

    panels(dash.get("panels", []))
    for var in dash.get("templating", {}).get("list", []):
        q = var.get("query")
        if var.get("type") == "query":
            out.append(q["query"] if isinstance(q, dict) else q)
    return out


def rules_exprs(path):
    out = []
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)(?:- )?expr:\s*(.*)$", lines[i])
        i += 1
        if not m:
            continue
        value = m.group(2).strip()
        if value not in ("|", ">", "|-", ">-"):
            out.append(value.strip("'\""))
            continue
        block, indent = [], len(m.group(1))
        while i < len(lines) and (not lines[i].strip() or
                                  len(lines[i]) - len(lines[i].lstrip()) > indent):
            block.append(lines[i].strip())
            i += 1
        out.append(" ".join(block))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scrape", nargs="+", required=True)
    ap.add_argument("--dashboard", nargs="*", default=[])
    ap.add_argument("--rules", nargs="*", default=[])
    args = ap.parse_args()
    have = exported(args.scrape)
    used = {}
    for path in args.dashboard:
        for e in dashboard_exprs(path):
            for n in metric_names(e):
                used.setdefault(n, set()).add(path)
    for path in args.rules:
        exprs = rules_exprs(path)
        if not exprs:
            print(f"FAIL: no expr found in {path}")
            return 1
        for e in exprs:
            for n in metric_names(e):
                used.setdefault(n, set()).add(path)
    if not used:
        print("FAIL: no metric name found in the monitoring files")
        return 1
    missing = sorted(n for n in used if n not in have)
    for n in missing:
        print(f"FAIL: {n} (used in {', '.join(sorted(used[n]))}) is not exported")
    if missing:
        return 1
    print(f"ok: all {len(used)} metric names used are exported: {' '.join(sorted(used))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
