#!/usr/bin/env python3
"""The Prometheus and Grafana examples for `smtp-probe serve`, checked by Prometheus's own tools.

1. `promtool check config` accepts examples/prometheus/prometheus.yml (also with its commented
   ?target=HOST:PORT&module=whmcs job uncommented) and prometheus-sharded.yml; `promtool check
   rules` accepts smtp-probe-alerts.yml; `promtool test rules` passes
   smtp-probe-alerts.test.yml.
2. The tests cannot pass vacuously: every alert of the rules file has a test where it fires and
   one where it must not, every alertname the tests name is one the rules define, and each test
   that expects alerts fails once its expectation is replaced by "nothing fires".
3. The dashboard (examples/grafana/smtp-probe-dashboard.json) is JSON, its PromQL parses
   (promtool check rules on a rule file made of it) and names only metrics the exporter
   exports, plus `up`; the alert rules too.
4. When `prometheus` is installed, it runs each config (in a temporary folder, on a free
   loopback port, stopped by its PID) and its targets API shows the relabelling did what the
   comments say: each target name of examples/smtp-probe.toml scraped as
   127.0.0.1:10587/probe?target=NAME with instance NAME, and in the sharded config each name
   kept by exactly the shard hashmod (MD5, last 8 bytes, modulo 2) gives it, the way an
   exporter with shard = "k/n" computes it. Nothing needs to listen on 10587/10588.

    prometheus_examples_test.py --repo PATH

Exit 0 when everything holds; else a `FAIL: ...` line on stderr and exit 1.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from monitoring_support import stop_daemon  # noqa: E402

# What `smtp-probe serve` exports on /probe and /metrics, and what Prometheus adds.
PROBE_METRICS = {
    "probe_success", "probe_duration_seconds", "probe_dns_lookup_time_seconds",
    "probe_ip_protocol", "probe_ssl_earliest_cert_expiry",
    "probe_ssl_last_chain_expiry_timestamp_seconds", "probe_tls_version_info",
    "smtp_probe_phase_duration_seconds", "smtp_probe_phase_success", "smtp_probe_verdict",
    "smtp_probe_auth_success", "smtp_probe_round_trips", "smtp_probe_addresses",
}
EXPORTER_METRICS = {
    "smtp_probe_exporter_probes_total", "smtp_probe_exporter_probes_in_flight",
    "smtp_probe_exporter_config_reloads_total", "smtp_probe_exporter_config_last_reload_successful",
    "smtp_probe_exporter_build_info",
} | {f"smtp_probe_exporter_scrape_duration_seconds{s}" for s in ("_bucket", "_sum", "_count")}
KNOWN_METRICS = PROBE_METRICS | EXPORTER_METRICS | {"up"}
# The dashboard must show at least these (the panels the example promises).
DASHBOARD_MUST_USE = {
    "probe_success", "smtp_probe_verdict", "probe_ssl_earliest_cert_expiry",
    "smtp_probe_phase_duration_seconds", "probe_duration_seconds", "smtp_probe_round_trips",
    "smtp_probe_addresses", "smtp_probe_auth_success", "smtp_probe_exporter_probes_total",
    "smtp_probe_exporter_probes_in_flight",
}
PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset",
                   "bool", "and", "or", "unless", "atan2", "inf", "nan"}
EXPORTER = "127.0.0.1:10587"


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def run(cmd, cwd=None):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


def must_pass(cmd, cwd, what):
    out = run(cmd, cwd)
    if out.returncode != 0:
        fail(f"{what}: `{' '.join(cmd)}` exited {out.returncode}:\n{out.stdout}{out.stderr}")
    print(f"ok: {what}")
    return out


# --- PromQL, minimally --------------------------------------------------------------------

def metric_names(expr):
    """The metric names an expression selects: identifiers that are not a function (followed
    by "("), a keyword, a label of by/on/... (...), a label matcher, a string or a duration."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    s = re.sub(r"\{[^{}]*\}", " ", s)            # label matchers
    s = re.sub(r"\[[^\[\]]*\]", " ", s)          # ranges and subqueries
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", " ", s)
    names = set()
    for m in re.finditer(r"(\d[\w.]*(?:[eE][+-]?\d+)?)|([A-Za-z_:][\w:]*)(\s*\()?", s):
        ident, call = m.group(2), m.group(3)
        if ident and not call and ident.lower() not in PROMQL_KEYWORDS:
            names.add(ident)
    return names


def self_test_metric_names():
    """The extractor must see through what the examples use, and must catch a stray name."""
    cases = {
        'sum by (phase) (rate(smtp_probe_bogus_total{instance=~"$instance"}[5m])) > 1':
            {"smtp_probe_bogus_total"},
        '(probe_ssl_earliest_cert_expiry - time()) / 86400': {"probe_ssl_earliest_cert_expiry"},
        'a * on (job, instance) group_left(cause) b offset 10m': {"a", "b"},
        'histogram_quantile(0.95, sum by (le) (rate(x_bucket[$__rate_interval])))': {"x_bucket"},
        'count by (job, instance) (max_over_time(v[10m])) > 1e3': {"v"},
    }
    for expr, want in cases.items():
        got = metric_names(expr)
        if got != want:
            fail(f"metric_names self-test: {expr!r} gave {sorted(got)}, expected {sorted(want)}")


def check_metrics(exprs, where):
    used = set()
    for expr in exprs:
        names = metric_names(expr)
        if not names:
            fail(f"{where}: no metric in {expr!r}")
        unknown = names - KNOWN_METRICS
        if unknown:
            fail(f"{where}: {expr!r} uses {sorted(unknown)}, which the exporter does not export")
        used |= names
    return used


def grafana_to_promql(expr):
    """A dashboard expression with Grafana's variables replaced by what they stand for."""
    s = re.sub(r"\$\{?__rate_interval\}?", "5m", expr)
    s = re.sub(r"\$\{?__interval\}?", "1m", s)
    s = re.sub(r"\$\{?__range\}?", "1h", s)
    s = re.sub(r"\$\{?instance(?::\w+)?\}?", ".*", s)
    if "$" in s:
        fail(f"dashboard: {expr!r} uses a variable the dashboard does not define")
    return s


# --- YAML, minimally (no PyYAML: promtool does not need it, nor should this) --------------

def rule_exprs(text):
    """alert name (or None for a recording rule) -> expr, for one-line and block exprs."""
    lines = text.splitlines()
    out = []
    current = None
    for i, line in enumerate(lines):
        m = re.match(r"^\s*-?\s*(alert|record):\s*(\S+)\s*$", line)
        if m:
            current = m.group(2) if m.group(1) == "alert" else None
            continue
        m = re.match(r"^(\s*)expr:\s*(.*)$", line)
        if not m:
            continue
        value = m.group(2).strip()
        if value in ("|", "|-", ">", ">-"):
            indent = len(m.group(1))
            body = []
            for nxt in lines[i + 1:]:
                if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent:
                    break
                body.append(nxt.strip())
            value = " ".join(b for b in body if b)
        elif value[:1] in "'\"":
            value = value[1:-1]
        out.append((current, value))
    return out


def test_cases(text):
    """The alert_rule_test entries of a promtool test file: (alertname, firing, first line,
    end line) where firing says exp_alerts lists an alert; written as this repo writes them
    (`- eval_time:` first, then alertname and exp_alerts)."""
    lines = text.splitlines()
    cases = []
    starts = [i for i, l in enumerate(lines) if re.match(r"^\s*- eval_time:", l)]
    for i in starts:
        indent = len(lines[i]) - len(lines[i].lstrip())
        end = i + 1
        while end < len(lines):
            l = lines[end]
            if l.strip() and not l.lstrip().startswith("#") and \
                    len(l) - len(l.lstrip()) <= indent:
                break
            end += 1
        body = lines[i:end]
        name = next((m.group(1) for l in body
                     if (m := re.match(r"^\s*alertname:\s*(\S+)", l))), None)
        exp = [j for j, l in enumerate(body) if re.match(r"^\s*exp_alerts:", l)]
        if name is None or len(exp) != 1:
            fail(f"alert test at line {i + 1}: needs one alertname and one exp_alerts")
        firing = not re.match(r"^\s*exp_alerts:\s*\[\]\s*$", body[exp[0]])
        cases.append((name, firing, i, end, i + exp[0]))
    return cases


def without_expected_alerts(text, case):
    """The test file with one case's exp_alerts replaced by [] (nothing fires)."""
    lines = text.splitlines()
    _, _, _, end, exp = case
    indent = lines[exp][:len(lines[exp]) - len(lines[exp].lstrip())]
    last = end
    while last > exp + 1 and not lines[last - 1].strip():
        last -= 1
    return "\n".join(lines[:exp] + [f"{indent}exp_alerts: []"] + lines[last:]) + "\n"


# --- Prometheus itself --------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def targets_of(prometheus, config, work, expected_count):
    """Prometheus's /api/v1/targets for a config once it lists expected_count targets."""
    port = free_port()
    data = work / f"data-{port}"
    log = open(work / f"prometheus-{port}.log", "w")
    proc = subprocess.Popen([prometheus, f"--config.file={config}",
                             f"--storage.tsdb.path={data}",
                             f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        last = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                fail(f"prometheus exited {proc.returncode} on {config.name}:\n"
                     f"{(work / f'prometheus-{port}.log').read_text()}")
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/api/v1/targets?state=any", timeout=5) as r:
                    last = json.load(r)["data"]
                if len(last["activeTargets"]) + len(last["droppedTargets"]) >= expected_count:
                    return last
            except (OSError, ValueError):
                pass
            time.sleep(0.5)
        fail(f"prometheus on {config.name}: not {expected_count} targets within 60 s: {last}")
    finally:
        stop_daemon(proc)
        log.close()


def target_names(repo):
    text = (repo / "examples" / "smtp-probe.toml").read_text()
    try:
        import tomllib
        return [t["name"] for t in tomllib.loads(text).get("targets", [])]
    except ImportError:
        return re.findall(r'^name\s*=\s*"([^"]+)"', text, re.M)


def scrape(target):
    url = urllib.parse.urlsplit(target["scrapeUrl"])
    return url.netloc, url.path, urllib.parse.parse_qs(url.query)


def shard_of(name, n):
    """Prometheus's hashmod: MD5 of the value, the last 8 bytes big-endian, modulo n."""
    return int.from_bytes(hashlib.md5(name.encode()).digest()[8:], "big") % n


def check_probe_job(active, job, names, exporter, module=None):
    mine = [t for t in active if t["labels"].get("job") == job]
    if sorted(t["labels"]["instance"] for t in mine) != sorted(names):
        fail(f"job {job}: instances {sorted(t['labels']['instance'] for t in mine)}, "
             f"expected {sorted(names)}")
    for t in mine:
        netloc, path, query = scrape(t)
        want = {"target": [t["labels"]["instance"]]}
        if module:
            want["module"] = [module]
        if (netloc, path, query) != (exporter, "/probe", want):
            fail(f"job {job}: {t['labels']['instance']} is scraped as {t['scrapeUrl']}, "
                 f"expected http://{exporter}/probe with {want}")
        for key, want_value in (("scrapeInterval", "1m"), ("scrapeTimeout", "50s")):
            if key in t and t[key] != want_value:
                fail(f"job {job}: {key} {t[key]}, expected {want_value}")
        if any(k.startswith("__") for k in t["labels"]):
            fail(f"job {job}: a label starting with __ survived: {t['labels']}")


# --- the checks ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", required=True, help="the repository root")
    args = ap.parse_args()
    repo = Path(args.repo).resolve()
    source = repo / "examples" / "prometheus"
    dashboard_path = repo / "examples" / "grafana" / "smtp-probe-dashboard.json"
    for path in (source / "prometheus.yml", source / "prometheus-sharded.yml",
                 source / "smtp-probe-alerts.yml", source / "smtp-probe-alerts.test.yml",
                 dashboard_path):
        if not path.is_file():
            fail(f"{path} is missing")
    promtool = shutil.which("promtool")
    if not promtool:
        fail("promtool is not installed or not on PATH (Debian: apt-get install prometheus); "
             "the Prometheus examples cannot be checked without it")
    self_test_metric_names()

    work = Path(tempfile.mkdtemp(prefix="smtp-probe-prometheus."))
    try:
        # The configs name the rule file relative to themselves: check them beside it.
        for name in ("prometheus.yml", "prometheus-sharded.yml", "smtp-probe-alerts.yml",
                     "smtp-probe-alerts.test.yml"):
            shutil.copy(source / name, work / name)

        # 1. promtool on the examples as they are.
        for config in ("prometheus.yml", "prometheus-sharded.yml"):
            must_pass([promtool, "check", "config", config], work,
                      f"promtool check config {config}")
        must_pass([promtool, "check", "rules", "smtp-probe-alerts.yml"], work,
                  "promtool check rules smtp-probe-alerts.yml")
        must_pass([promtool, "test", "rules", "smtp-probe-alerts.test.yml"], work,
                  "promtool test rules smtp-probe-alerts.test.yml")

        # The commented job of prometheus.yml, uncommented.
        text = (work / "prometheus.yml").read_text()
        block = re.search(r"^ *# BEGIN module-form\n(.*?)^ *# END module-form\n", text, re.M | re.S)
        if not block:
            fail("prometheus.yml: no '# BEGIN module-form' ... '# END module-form' block")
        uncommented = "".join(re.sub(r"^( *)# ?", r"\1", line)
                              for line in block.group(1).splitlines(keepends=True))
        if "module: [whmcs]" not in uncommented or "job_name:" not in uncommented:
            fail("prometheus.yml: the module-form block has no job with params module: [whmcs]")
        (work / "prometheus-module-form.yml").write_text(
            text[:block.start()] + uncommented + text[block.end():])
        must_pass([promtool, "check", "config", "prometheus-module-form.yml"], work,
                  "promtool check config prometheus.yml with its module-form job uncommented")

        # 2. The tests cover every alert, both ways, and each firing expectation matters.
        rules_text = (work / "smtp-probe-alerts.yml").read_text()
        tests_text = (work / "smtp-probe-alerts.test.yml").read_text()
        alerts = re.findall(r"^\s*-?\s*alert:\s*(\S+)\s*$", rules_text, re.M)
        if len(alerts) < 5 or len(set(alerts)) != len(alerts):
            fail(f"smtp-probe-alerts.yml: expected 5 distinct alerts, found {alerts}")
        cases = test_cases(tests_text)
        for name in alerts:
            if not any(c[0] == name and c[1] for c in cases):
                fail(f"smtp-probe-alerts.test.yml: no test where {name} fires")
            if not any(c[0] == name and not c[1] for c in cases):
                fail(f"smtp-probe-alerts.test.yml: no test where {name} must not fire")
        stray = {c[0] for c in cases} - set(alerts)
        if stray:
            fail(f"smtp-probe-alerts.test.yml tests alerts the rules do not define: "
                 f"{sorted(stray)}")
        print(f"ok: {len(cases)} alert tests cover {len(alerts)} alerts, each firing and not")
        firing = [c for c in cases if c[1]]
        for case in firing:
            broken = work / "broken.test.yml"
            broken.write_text(without_expected_alerts(tests_text, case))
            out = run([promtool, "test", "rules", broken.name], work)
            if out.returncode == 0:
                fail(f"smtp-probe-alerts.test.yml line {case[2] + 1}: still passes when "
                     f"{case[0]} is expected not to fire, so its expectation checks nothing")
        print(f"ok: each of the {len(firing)} firing expectations fails when removed")

        # 3. The dashboard and the rules name only exported metrics; the dashboard's PromQL parses.
        try:
            dashboard = json.loads(dashboard_path.read_text())
        except ValueError as e:
            fail(f"{dashboard_path}: not JSON: {e}")
        if int(dashboard.get("schemaVersion", 0)) < 36:
            fail(f"dashboard: schemaVersion {dashboard.get('schemaVersion')}, expected 36 or later")
        variables = {v.get("name"): v for v in dashboard.get("templating", {}).get("list", [])}
        if variables.get("DS_PROMETHEUS", {}).get("type") != "datasource":
            fail("dashboard: no datasource variable DS_PROMETHEUS")
        inst = variables.get("instance", {})
        inst_query = inst.get("query")
        inst_query = inst_query.get("query") if isinstance(inst_query, dict) else inst_query
        if inst_query != "label_values(probe_success, instance)":
            fail(f"dashboard: variable instance should be label_values(probe_success, instance), "
                 f"is {inst_query!r}")
        exprs, datasources = [], []

        def walk(node):
            if isinstance(node, dict):
                if isinstance(node.get("expr"), str):
                    exprs.append(node["expr"])
                if isinstance(node.get("datasource"), dict) and \
                        node["datasource"].get("type") == "prometheus":
                    datasources.append(node["datasource"].get("uid"))
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(dashboard.get("panels", []))
        walk(inst)
        if not exprs:
            fail("dashboard: no PromQL expr in its panels")
        bad = [d for d in datasources if d != "${DS_PROMETHEUS}"]
        if bad:
            fail(f"dashboard: Prometheus data sources other than ${{DS_PROMETHEUS}}: {bad}")
        used = check_metrics(exprs, "dashboard")
        used |= check_metrics(["probe_success"], "dashboard variable")
        missing = DASHBOARD_MUST_USE - used
        if missing:
            fail(f"dashboard: no panel shows {sorted(missing)}")
        rules = "groups:\n  - name: dashboard\n    rules:\n" + "".join(
            f"      - record: dashboard:expr_{i}\n"
            f"        expr: {json.dumps(grafana_to_promql(e))}\n"
            for i, e in enumerate(exprs))
        (work / "dashboard-exprs.yml").write_text(rules)
        must_pass([promtool, "check", "rules", "dashboard-exprs.yml"], work,
                  f"the dashboard's {len(exprs)} PromQL expressions parse")
        print(f"ok: the dashboard uses only exported metrics ({len(used)} of them)")
        alert_exprs = rule_exprs(rules_text)
        if len(alert_exprs) != len(alerts):
            fail(f"smtp-probe-alerts.yml: {len(alert_exprs)} exprs for {len(alerts)} alerts")
        check_metrics([e for _, e in alert_exprs], "smtp-probe-alerts.yml")
        print("ok: the alert rules use only exported metrics")

        # 4. What the relabelling does, according to Prometheus.
        prometheus = shutil.which("prometheus")
        if not prometheus:
            print("SKIP: no prometheus binary; the relabelling is checked by promtool's syntax "
                  "check only", file=sys.stderr)
            return 0
        names = target_names(repo)
        if len(names) < 2:
            fail(f"examples/smtp-probe.toml: expected target names, found {names}")
        extra = ["cp3.example.com:587", "cp4.example.com:465"]
        data = targets_of(prometheus, work / "prometheus-module-form.yml", work,
                          len(names) + 1 + len(extra))
        active = data["activeTargets"]
        check_probe_job(active, "smtp-probe", names, EXPORTER)
        check_probe_job(active, "smtp-probe-whmcs-hosts", extra, EXPORTER, module="whmcs")
        own = [scrape(t)[:2] for t in active if t["labels"].get("job") == "smtp-probe-exporter"]
        if own != [(EXPORTER, "/metrics")]:
            fail(f"job smtp-probe-exporter scrapes {own}, expected {EXPORTER}/metrics")
        print(f"ok: prometheus.yml scrapes {', '.join(names)} through {EXPORTER}/probe?target=NAME")

        data = targets_of(prometheus, work / "prometheus-sharded.yml", work, 2 * len(names) + 2)
        active = data["activeTargets"]
        shards = {k: [n for n in names if shard_of(n, 2) == k] for k in (0, 1)}
        for k in (0, 1):
            check_probe_job(active, f"smtp-probe-shard-{k}", shards[k], f"127.0.0.1:{10587 + k}")
        dropped = data["droppedTargets"]
        if len(dropped) != len(names):
            fail(f"prometheus-sharded.yml: {len(dropped)} targets dropped, expected "
                 f"{len(names)} (each name kept by exactly one shard)")
        own = sorted(scrape(t)[0] for t in active
                     if t["labels"].get("job") == "smtp-probe-exporter")
        if own != ["127.0.0.1:10587", "127.0.0.1:10588"]:
            fail(f"prometheus-sharded.yml: job smtp-probe-exporter scrapes {own}")
        print(f"ok: prometheus-sharded.yml gives shard 0 {shards[0]} and shard 1 {shards[1]}, "
              f"as MD5 modulo 2 does")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
