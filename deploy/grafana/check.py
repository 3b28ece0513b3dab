#!/usr/bin/env python3
"""Checks the Grafana dashboard and the metric names of the dashboard and the alert rules.

usage: check.py DASHBOARD.json ALERT-RULES.yml docs/metrics.md   (deploy/check.sh runs it)

The dashboard must be JSON with a Prometheus datasource variable DS_PROMETHEUS and an instance
variable; every panel has a title, the ${DS_PROMETHEUS} datasource and targets, each target an expr;
the variables the exprs use are defined; the exprs parse as PromQL (promtool check rules, with the
Grafana variables replaced). Every metric an expr uses, in the dashboard and in the alert rules, is
in docs/metrics.md. Python 3 standard library only; promtool on PATH.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# Series Prometheus itself adds to every target, which no exporter documents.
PROMETHEUS_SERIES = {"up"}
# Grafana's own variables, besides the dashboard's.
GRAFANA_VARIABLES = {"__rate_interval", "__interval", "__range", "__interval_ms", "__range_s", "__range_ms"}
# Words of PromQL that are not functions and not metrics.
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset", "inf", "nan", "atan2"}

errors = []


def fail(msg):
    errors.append(msg)


def documented_metrics(path):
    """Names in the first column of docs/metrics.md's tables, with the series of summaries and histograms."""
    names = set()
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 2 or cells[0] in ("name", "") or set(cells[0]) <= set("-: "):
            continue
        row = re.findall(r"`([A-Za-z_:][\w:]*)`", cells[0])
        kind = cells[1]
        for n in row:
            names.add(n)
            if "summary" in kind:
                names.update({n + "_sum", n + "_count"})
            if "histogram" in kind:
                names.update({n + "_bucket", n + "_sum", n + "_count"})
    if len(names) < 20:
        fail(f"{path}: found only {len(names)} metric names in its tables; has its format changed?")
    return names


def metrics_in(expr):
    """The metric names a PromQL expression uses (strings, matchers, ranges and grouping labels removed)."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    e = re.sub(r"\{[^{}]*\}", " ", e)
    e = re.sub(r"\[[^\[\]]*\]", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", " ", e)
    e = re.sub(r"\$\{[^}]*\}|\$\w+", " ", e)
    found = set()
    for m in re.finditer(r"(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?", e):
        name, call = m.group(1), m.group(2)
        if call or name.lower() in KEYWORDS:
            continue
        found.add(name)
    return found


def rule_exprs(path):
    """The expr of each rule of a Prometheus rules file, which must be on the expr: line itself."""
    exprs, rules = [], 0
    for no, line in enumerate(open(path, encoding="utf-8"), 1):
        if re.match(r"\s*-\s*(alert|record):", line):
            rules += 1
        m = re.match(r"\s*expr:\s*(.*?)\s*$", line)
        if not m:
            continue
        v = m.group(1)
        if v[:1] == "'" and v[-1:] == "'" and len(v) > 1:
            v = v[1:-1].replace("''", "'")
        elif v[:1] == '"':
            v = json.loads(v)
        elif v[:1] in ("", "|", ">") or " #" in v:
            fail(f"{path}:{no}: write the expr on its line, without a comment: check.py reads no YAML blocks")
            continue
        exprs.append(v)
    if rules == 0 or rules != len(exprs):
        fail(f"{path}: {rules} rules but {len(exprs)} exprs read")
    return exprs


def main(dashboard, rules, docs):
    known = documented_metrics(docs)
    try:
        dash = json.load(open(dashboard, encoding="utf-8"))
    except ValueError as e:
        fail(f"{dashboard}: not JSON: {e}")
        return None
    if not isinstance(dash.get("schemaVersion"), int):
        fail(f"{dashboard}: no schemaVersion")
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    ds = variables.get("DS_PROMETHEUS")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        fail(f"{dashboard}: no Prometheus datasource variable DS_PROMETHEUS")
    if "instance" not in variables:
        fail(f"{dashboard}: no instance variable")

    panels = []
    def walk(ps):
        for p in ps:
            panels.append(p)
            walk(p.get("panels", []))
    walk(dash.get("panels", []))
    if not panels:
        fail(f"{dashboard}: no panels")

    def uses_ds(obj):
        return isinstance(obj.get("datasource"), dict) and obj["datasource"].get("uid") == "${DS_PROMETHEUS}"

    exprs, ids = [], set()
    for p in panels:
        name = f"{dashboard}: panel {p.get('id')} ({p.get('title')!r})"
        if not isinstance(p.get("title"), str) or not p["title"].strip():
            fail(f"{name}: no title")
        if p.get("id") in ids:
            fail(f"{name}: id used twice")
        ids.add(p.get("id"))
        if not uses_ds(p):
            fail(f"{name}: datasource is not ${{DS_PROMETHEUS}}")
        targets = p.get("targets")
        if not isinstance(targets, list) or not targets:
            fail(f"{name}: no targets")
            continue
        refids = [t.get("refId") for t in targets]
        if len(set(refids)) != len(refids):
            fail(f"{name}: refId used twice")
        for t in targets:
            expr = t.get("expr")
            if not isinstance(expr, str) or not expr.strip():
                fail(f"{name}: target {t.get('refId')} has no expr")
                continue
            if not uses_ds(t):
                fail(f"{name}: target {t.get('refId')}: datasource is not ${{DS_PROMETHEUS}}")
            for var in re.findall(r"\$\{?(\w+)", expr):
                if var not in variables and var not in GRAFANA_VARIABLES:
                    fail(f"{name}: target {t.get('refId')} uses ${var}, which is not a variable")
            exprs.append((name + f" target {t.get('refId')}", expr))

    # The exprs must be PromQL: as recording rules (JSON is YAML), with Grafana's variables replaced.
    subst = lambda e: re.sub(r"\$\{?__\w+\}?", "5m", re.sub(r"\$\{?instance\}?", ".*", e))
    group = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"wsc_dashboard:expr_{i}", "expr": subst(e)} for i, (_, e) in enumerate(exprs)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        json.dump(group, f)
    try:
        r = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"{dashboard}: exprs that are not PromQL (promtool check rules):\n{r.stdout}{r.stderr}")
    finally:
        os.unlink(f.name)

    used = set()
    for where, e in exprs + [(rules, e) for e in rule_exprs(rules)]:
        for m in sorted(metrics_in(e)):
            used.add(m)
            if m not in known and m not in PROMETHEUS_SERIES:
                fail(f"{where}: {m} is not in {docs}")
    return len(panels), len(used)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    result = main(*sys.argv[1:])
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)
    panels, used = result
    print(f"deploy/grafana/wscluster.json: valid ({panels} panels; the {used} metrics it and the alert rules use "
          f"are in docs/metrics.md or Prometheus's own)")
