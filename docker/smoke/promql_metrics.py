#!/usr/bin/env python3
"""Checks that every metric the dashboard and the alert rules name exists in a live scrape.

promql_metrics.py NAMES_FILE DASHBOARD.json... RULES.yml...
NAMES_FILE holds the metric names Prometheus has (one per line, e.g. from /api/v1/label/__name__/values of the
running stack). Each PromQL expression (a dashboard's targets[].expr, a rule file's rules[].expr) is tokenized the
way PromQL reads it: strings, label matchers, ranges, durations, numbers, grouping label lists, keywords and
function calls are not metric names; what is left is. Names a rule file records are allowed. Exits 1, naming the
expression and the metric, when one is missing.
"""
import json
import re
import sys

import yaml

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or",
            "unless", "inf", "nan", "start", "end", "atan2"}
IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def metric_names(expr):
    e = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`', '""', expr)  # string literals
    e = re.sub(r"\$\{[^}]*\}|\$\w+", "1", e)  # Grafana variables ($__rate_interval)
    e = re.sub(r"\{[^}]*\}", " ", e)  # label matchers
    e = re.sub(r"\[[^\]]*\]", " ", e)  # ranges and subqueries
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)  # label lists
    e = re.sub(r"(?<![A-Za-z0-9_:])(0x[0-9a-fA-F]+|\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)"
               r"([smhdwy]|ms)?(?![A-Za-z0-9_:])", " ", e)  # numbers and durations
    names = set()
    for m in IDENT.finditer(e):
        name = m.group(0)
        rest = e[m.end():].lstrip()
        if name.lower() in KEYWORDS or rest.startswith("("):
            continue  # a keyword, a function or an aggregation
        names.add(name)
    return names


def expressions(path):
    if path.endswith(".json"):
        dash = json.load(open(path))
        panels = list(dash.get("panels", []))
        for p in list(panels):
            panels.extend(p.get("panels", []))  # rows keep their panels inside
        for p in panels:
            for t in p.get("targets", []):
                if t.get("expr"):
                    yield f'{path}: panel "{p.get("title")}"', t["expr"], None
    else:
        for g in yaml.safe_load(open(path))["groups"]:
            for r in g["rules"]:
                yield f'{path}: {r.get("alert") or r.get("record")}', str(r["expr"]), r.get("record")


def main(argv):
    scraped = {line.strip() for line in open(argv[1]) if line.strip()}
    found = list(e for path in argv[2:] for e in expressions(path))
    recorded = {record for _, _, record in found if record}
    missing = []
    for where, expr, _ in found:
        for name in sorted(metric_names(expr) - scraped - recorded):
            missing.append(f"{where} names {name}, which the live scrape does not have: {' '.join(expr.split())}")
    for line in missing:
        print(line, file=sys.stderr)
    print(f"{len(found)} PromQL expressions checked against {len(scraped)} scraped metric names, "
          f"{len(missing)} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
