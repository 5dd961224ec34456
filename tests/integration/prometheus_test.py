#!/usr/bin/env python3
"""A real Prometheus scrapes `smtp-probe serve` probing the local mail lab.

1. One exporter with six lab targets (good on 587-style STARTTLS and on 465-style implicit TLS,
   a wrong password, an expired and a self-signed certificate, a closed port) and a Prometheus
   whose smtp-probe job relabels as examples/prometheus/prometheus.yml does (the name becomes
   ?target= and instance, every scrape goes to the exporter), plus the exporter's own /metrics.
   Prometheus's query API must show, per instance, probe_success, the one smtp_probe_verdict
   series the probe's verdict names, the certificate expiry (future for good, past for
   expired), up == 1 for every probe target (a failed probe is still a good scrape), and
   smtp_probe_exporter_probes_total{result="success"} > 0 from the exporter job.
2. Two exporters with the same config and a Prometheus with the two hashmod shard jobs of
   examples/prometheus/prometheus-sharded.yml: every target is scraped by exactly one shard
   job, the one MD5(name) (last 8 bytes, big-endian) mod 2 names, both shards get targets, and
   each exporter's probe counters match what its shard's job scraped (an exporter whose shard
   has only failing targets counts no success).

    prometheus_test.py --probe PATH --lab SCRIPT [--prometheus /usr/bin/prometheus]

Both Prometheus servers run at once, in a temporary folder, on free loopback ports, stopped by
their PIDs. Every address is on loopback.
"""

import argparse
import hashlib
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from monitoring_support import fail, lab_env, private_file, stop_daemon, toml_string  # noqa: E402
from serve_support import Exporter, get, samples  # noqa: E402

# name: (lab listener, or None for the lab's closed port; module)
TARGETS = {
    "good": ("submission", "tls"),
    "good-465": ("smtps", "ssl"),
    "wrong-password": ("submission", "wrong"),
    "expired": ("cert-expired", "tls"),
    "self-signed": ("cert-self-signed", "ssl"),
    "closed": (None, "tls"),
}
# name: (probe_success, verdict category, verdict cause) -- what `smtp-probe check` says of each
EXPECTED = {
    "good": (1, "ok", "none"),
    "good-465": (1, "ok", "none"),
    "wrong-password": (0, "auth_failed", "bad_credentials"),
    "expired": (0, "smtp_connect_failed", "cert_expired"),
    "self-signed": (0, "smtp_connect_failed", "cert_untrusted"),
    "closed": (0, "connect_host", "tcp_refused"),
}
PROBE_JOB = "smtp-probe"
EXPORTER_JOB = "smtp-probe-exporter"
SHARDS = 2
# The wrong password costs the lab ~0.4 s and the exporter takes serve.scrape_timeout_offset
# (0.5 s) off the scrape timeout: 2 s leaves every probe 1.5 s.
PROBE_INTERVAL = "2s"
PROBE_TIMEOUT = "2s"
WAIT = 45  # seconds for each Prometheus to hold every target's data


def shard_job(k):
    return f"{PROBE_JOB}-shard-{k}"


def shard_of(name, n=SHARDS):
    """Prometheus's hashmod: MD5 of the value, the last 8 bytes big-endian, modulo n."""
    return int.from_bytes(hashlib.md5(name.encode()).digest()[8:], "big") % n


# --- the exporter's config and Prometheus's ---------------------------------------------------

def exporter_config(env, secret, wrong):
    def module(name, ssl_type, password_file):
        return (f"[modules.{name}]\nssl_type = {toml_string(ssl_type)}\n"
                f"user = {toml_string(env['user'])}\n"
                f"password_file = {toml_string(str(password_file))}\n"
                f"ca_file = {toml_string(env['ca_file'])}\n"
                f"dns_server = {toml_string(env['dns'])}\n\n")
    text = module("tls", "tls", secret) + module("ssl", "ssl", secret) + \
        module("wrong", "tls", wrong)
    for name, (listener, mod) in TARGETS.items():
        port = env["closed_port"] if listener is None else env["listeners"][listener]["port"]
        text += (f"[[targets]]\nname = {toml_string(name)}\nhost = {toml_string(env['host'])}\n"
                 f"port = {port}\nmodule = {toml_string(mod)}\n\n")
    return text


def probe_job(job, exporter, hashmod_keep=None):
    """A /probe job relabelled as the examples' are; with hashmod_keep=k, shard k of SHARDS."""
    targets = ", ".join(json.dumps(n) for n in TARGETS)
    shard = ""
    if hashmod_keep is not None:
        shard = f"""      - source_labels: [__address__]
        modulus: {SHARDS}
        target_label: __tmp_hash
        action: hashmod
      - source_labels: [__tmp_hash]
        regex: "{hashmod_keep}"
        action: keep
"""
    return f"""  - job_name: {job}
    metrics_path: /probe
    scrape_interval: {PROBE_INTERVAL}
    scrape_timeout: {PROBE_TIMEOUT}
    static_configs:
      - targets: [{targets}]
    relabel_configs:
{shard}      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:{exporter.port}
"""


def prometheus_config(probe_jobs, exporters):
    addresses = ", ".join(f"127.0.0.1:{e.port}" for e in exporters)
    return f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s

scrape_configs:
{"".join(probe_jobs)}  - job_name: {EXPORTER_JOB}
    metrics_path: /metrics
    static_configs:
      - targets: [{addresses}]
"""


# --- Prometheus itself ----------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Straight to loopback, whatever http_proxy says.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Prometheus:
    def __init__(self, binary, work, name, config_text):
        self.name = name
        self.config = work / f"{name}.yml"
        self.config.write_text(config_text)
        self.port = free_port()
        self.log_path = work / f"{name}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [binary, f"--config.file={self.config}", f"--storage.tsdb.path={work / name}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=work, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        stop_daemon(self.process)
        self.log.close()

    def log_tail(self):
        return "\n".join(self.log_path.read_text().splitlines()[-15:])

    def api(self, path, **params):
        """The data of a /api/v1 answer, or None while Prometheus is not answering yet."""
        if self.process.poll() is not None:
            fail(f"prometheus ({self.name}) exited {self.process.returncode}:\n{self.log_tail()}")
        url = f"{self.url}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with DIRECT.open(url, timeout=5) as r:
                answer = json.load(r)
        except urllib.error.HTTPError as e:
            fail(f"prometheus ({self.name}) {path} {params}: HTTP {e.code} "
                 f"{e.read().decode('utf-8', 'replace')[:300]}")
        except (OSError, ValueError):
            return None
        if answer.get("status") != "success":
            fail(f"prometheus ({self.name}) {path} {params}: {answer}")
        return answer["data"]

    def query(self, expr):
        """[(labels without __name__, value)] of an instant query; [] while not ready."""
        data = self.api("query", query=expr)
        if data is None:
            return []
        return [({k: v for k, v in r["metric"].items() if k != "__name__"},
                 float(r["value"][1])) for r in data["result"]]

    def by_instance(self, expr):
        """{instance: [(labels, value)]} of an instant query."""
        out = {}
        for labels, value in self.query(expr):
            out.setdefault(labels.get("instance"), []).append((labels, value))
        return out

    def wait_for(self, what, ready):
        """Polls ready() (a true value when done) for WAIT seconds; returns that value."""
        deadline = time.monotonic() + WAIT
        while True:
            result, seen = ready()
            if result:
                return result
            if time.monotonic() > deadline:
                fail(f"prometheus ({self.name}): {what} not within {WAIT} s; last seen: {seen}")
            time.sleep(0.5)


def expect(cond, message):
    if not cond:
        fail(message)


# --- the checks -------------------------------------------------------------------------------

def check_single(prom, exporter):
    """One exporter, the smtp-probe job of prometheus.yml and the exporter job."""
    names = set(TARGETS)

    def all_data():
        have = prom.by_instance(f'probe_success{{job="{PROBE_JOB}"}}')
        verdicts = prom.by_instance(f'smtp_probe_verdict{{job="{PROBE_JOB}"}}')
        probes = prom.query(f'smtp_probe_exporter_probes_total{{job="{EXPORTER_JOB}",'
                            f'result="success"}}')
        done = set(have) == names and set(verdicts) >= names and \
            any(v > 0 for _, v in probes)
        return done, {"probe_success": sorted(have), "verdict": sorted(verdicts),
                      "exporter success": probes}
    prom.wait_for("every target's probe_success and verdict, and the exporter's count",
                  all_data)

    # The relabelling: each target name scraped as /probe?target=NAME on the exporter.
    active = [t for t in prom.api("targets", state="active")["activeTargets"]
              if t["labels"].get("job") == PROBE_JOB]
    expect(sorted(t["labels"]["instance"] for t in active) == sorted(names),
           f"job {PROBE_JOB}: instances {[t['labels'] for t in active]}, expected {sorted(names)}")
    for t in active:
        want = f"http://127.0.0.1:{exporter.port}/probe?target={t['labels']['instance']}"
        expect(t["scrapeUrl"] == want, f"{t['labels']['instance']}: scraped as "
               f"{t['scrapeUrl']}, expected {want}")

    success = prom.by_instance(f'probe_success{{job="{PROBE_JOB}"}}')
    verdicts = prom.by_instance(f'smtp_probe_verdict{{job="{PROBE_JOB}"}}')
    up = prom.by_instance(f'up{{job="{PROBE_JOB}"}}')
    expiry = prom.by_instance(f'probe_ssl_earliest_cert_expiry{{job="{PROBE_JOB}"}}')
    tls = prom.by_instance(f'probe_tls_version_info{{job="{PROBE_JOB}"}}')
    auth = prom.by_instance(f'smtp_probe_auth_success{{job="{PROBE_JOB}"}}')
    for name, (ok, category, cause) in EXPECTED.items():
        got = [v for _, v in success.get(name, [])]
        expect(got == [ok], f"{name}: probe_success {got}, expected [{ok}]")
        got = [(labels.get("category"), labels.get("cause"), v)
               for labels, v in verdicts.get(name, [])]
        expect(got == [(category, cause, 1.0)],
               f"{name}: smtp_probe_verdict series {got}, expected "
               f"[category={category} cause={cause} value 1]")
        got = [v for _, v in up.get(name, [])]
        expect(got == [1.0], f"{name}: up{{job=\"{PROBE_JOB}\"}} {got}, expected [1] "
               "(the scrape succeeds even when the probe fails)")
    now = time.time()
    for name, future in (("good", True), ("good-465", True), ("expired", False)):
        got = [v for _, v in expiry.get(name, [])]
        expect(len(got) == 1 and (got[0] > now) == future,
               f"{name}: probe_ssl_earliest_cert_expiry {got}, expected one value "
               f"{'after' if future else 'before'} now ({now:.0f})")
    for name in ("good", "good-465"):
        got = [(labels.get("version"), v) for labels, v in tls.get(name, [])]
        expect(len(got) == 1 and got[0][0].startswith("TLS") and got[0][1] == 1,
               f"{name}: probe_tls_version_info {got}, expected one TLS version")
    for name, want in (("good", 1.0), ("good-465", 1.0), ("wrong-password", 0.0)):
        got = [v for _, v in auth.get(name, [])]
        expect(got == [want], f"{name}: smtp_probe_auth_success {got}, expected [{want:.0f}]")
    got = prom.query(f'up{{job="{EXPORTER_JOB}"}}')
    expect([v for _, v in got] == [1.0], f"up{{job=\"{EXPORTER_JOB}\"}}: {got}")
    got = prom.query(f'smtp_probe_exporter_probes_total{{job="{EXPORTER_JOB}",'
                     f'result="success"}}')
    expect(len(got) == 1 and got[0][1] > 0,
           f"smtp_probe_exporter_probes_total{{result=\"success\"}}: {got}, expected > 0")


def check_sharded(prom, exporters):
    """Two exporters, the hashmod shard jobs of prometheus-sharded.yml."""
    names = set(TARGETS)
    jobs = [shard_job(k) for k in range(SHARDS)]
    job_re = "|".join(jobs)
    want = {k: {n for n in names if shard_of(n) == k} for k in range(SHARDS)}
    expect(all(want.values()), f"the target names all hash to one shard: {want}; "
           "rename one so that both shards get a target")

    def all_data():
        have = prom.by_instance(f'probe_success{{job=~"{job_re}"}}')
        return set(have) == names, sorted(have)
    prom.wait_for("probe_success of every target from the shard jobs", all_data)

    # /api/v1/targets: each name kept by exactly its hashmod shard, scraped on its exporter.
    data = prom.api("targets", state="any")
    for k, job in enumerate(jobs):
        mine = [t for t in data["activeTargets"] if t["labels"].get("job") == job]
        got = sorted(t["labels"]["instance"] for t in mine)
        expect(got == sorted(want[k]), f"{job}: active targets {got}, expected "
               f"{sorted(want[k])} (MD5 of the name, last 8 bytes, mod {SHARDS} == {k})")
        for t in mine:
            url = f"http://127.0.0.1:{exporters[k].port}/probe?target={t['labels']['instance']}"
            expect(t["scrapeUrl"] == url, f"{job}: {t['labels']['instance']} scraped as "
                   f"{t['scrapeUrl']}, expected {url}")
        dropped = sorted(t["discoveredLabels"]["__address__"] for t in data["droppedTargets"]
                         if t["discoveredLabels"].get("job") == job)
        expect(dropped == sorted(names - want[k]),
               f"{job}: dropped {dropped}, expected {sorted(names - want[k])}")

    # The series: one job per instance, the job hashmod names, the verdict the probe gives.
    counts = prom.query(f'count by (instance) (probe_success{{job=~"{job_re}"}})')
    got = {labels["instance"]: v for labels, v in counts}
    expect(got == {n: 1.0 for n in names},
           f"count by (instance) (probe_success) over the shard jobs: {got}, expected 1 each")
    for labels, value in prom.query(f'probe_success{{job=~"{job_re}"}}'):
        name = labels["instance"]
        expect(labels["job"] == shard_job(shard_of(name)),
               f"{name}: scraped by {labels['job']}, expected {shard_job(shard_of(name))}")
        expect(value == EXPECTED[name][0],
               f"{name} (sharded): probe_success {value}, expected {EXPECTED[name][0]}")
    for labels, value in prom.query(f'up{{job=~"{job_re}"}}'):
        expect(value == 1, f"{labels}: up {value}, expected 1")

    # Each exporter probed its shard's targets and no others: its counters against the scrapes
    # Prometheus stored (read first, so the exporter can only be ahead, by the scrapes under
    # way: at most two a target).
    for k, job in enumerate(jobs):
        def stored(expr):
            got = prom.query(expr)
            return got[0][1] if got else 0.0
        scraped = stored(f'sum(count_over_time(up{{job="{job}"}}[10m]))')
        stored_ok = stored(f'sum(sum_over_time(probe_success{{job="{job}"}}[10m]))')
        stored_all = stored(f'sum(count_over_time(probe_success{{job="{job}"}}[10m]))')
        m = samples(get(f"{exporters[k].url}/metrics")[1])
        ok = m.get('smtp_probe_exporter_probes_total{result="success"}', -1)
        failed = m.get('smtp_probe_exporter_probes_total{result="failure"}', -1)
        slack = 2 * len(want[k])
        seen = (f"exporter {k} (shard {k}, targets {sorted(want[k])}): success {ok}, failure "
                f"{failed}; Prometheus stored {scraped:.0f} scrapes, {stored_ok:.0f} "
                f"successful probes of {stored_all:.0f}")
        expect(ok + failed > 0, f"{seen}: it ran no probe")
        expect(stored_ok <= ok <= stored_ok + slack and
               stored_all - stored_ok <= failed <= stored_all - stored_ok + slack,
               f"{seen}: its counts do not match its shard's scrapes")
        expect((ok > 0) == any(EXPECTED[n][0] for n in want[k]),
               f"{seen}: success > 0 exactly when its shard has a good target")
        expect((failed > 0) == any(not EXPECTED[n][0] for n in want[k]),
               f"{seen}: failure > 0 exactly when its shard has a failing target")
    return want


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--lab", required=True)
    ap.add_argument("--prometheus", default=shutil.which("prometheus") or "/usr/bin/prometheus")
    args = ap.parse_args()
    probe = str(Path(args.probe).resolve())  # the exporters run in the temporary folder
    if not Path(args.prometheus).is_file():
        fail(f"prometheus is not installed ({args.prometheus}; Debian: apt-get install "
             "prometheus)")
    started = time.monotonic()
    env = lab_env(args.lab)
    work = Path(tempfile.mkdtemp(prefix="smtp-probe-prometheus-"))
    exporters, proms = [], []
    try:
        secret = private_file(work / "lab.pass", env["password"] + "\n")
        wrong = private_file(work / "wrong.pass", "not-the-password\n")
        config = work / "smtp-probe.toml"
        config.write_text(exporter_config(env, secret, wrong))
        single = Exporter(probe, config, work)
        exporters.append(single)
        shards = [Exporter(probe, config, work) for _ in range(SHARDS)]
        exporters += shards
        # Both Prometheus servers at once: the single one and the sharded one.
        proms.append(Prometheus(args.prometheus, work, "single", prometheus_config(
            [probe_job(PROBE_JOB, single)], [single])))
        proms.append(Prometheus(args.prometheus, work, "sharded", prometheus_config(
            [probe_job(shard_job(k), shards[k], hashmod_keep=k) for k in range(SHARDS)],
            shards)))
        check_single(proms[0], single)
        want = check_sharded(proms[1], shards)
        for e in exporters:
            expect(env["password"] not in e.stderr(), "the password appears in serve's log")
        split = "; ".join(f"shard {k}: {', '.join(sorted(v))}" for k, v in want.items())
        print(f"prometheus: {len(TARGETS)} lab targets scraped through serve with the expected "
              f"success, verdict, expiry and up; hashmod shards ({split}) each probed by its "
              f"exporter only ({time.monotonic() - started:.1f} s)")
    finally:
        for p in proms:
            p.stop()
        for e in exporters:
            e.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
