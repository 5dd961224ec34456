#!/usr/bin/env python3
"""`smtp-probe serve` against the lab: /probe's metrics pass promtool, the allow-list refuses
what the config does not allow, hostile query strings get a 400 that does not echo them, the
concurrency bound answers 503 at once, X-Prometheus-Scrape-Timeout-Seconds cuts a hung probe,
two scrapes of one target share one probe, a reload keeps the old config on a mistake, and
SIGTERM lets the probe being answered finish.

    serve_test.py --probe PATH --lab SCRIPT
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from monitoring_support import fail, lab_env, private_file, toml_string  # noqa: E402
from serve_support import Exporter, SilentServer, get, samples  # noqa: E402


def config_text(env, secret, slow_port, extra_targets=""):
    trust = f"ca_file = {toml_string(env['ca_file'])}\ndns_server = {toml_string(env['dns'])}\n"

    def login(password_file):
        return (f"user = {toml_string(env['user'])}\n"
                f"password_file = {toml_string(str(password_file))}\n{trust}")
    ports = env["listeners"]
    return f"""[serve]
allowed_targets = ["127.0.0.0/8"]
allowed_ports = [{ports['smtp']['port']}, {slow_port}]
concurrency = 2
per_host = 2

[modules.lab]
ssl_type = "tls"
{login(secret)}
[modules.wrong]
ssl_type = "tls"
{login(secret.parent / 'wrong.pass')}
[modules.anon]
security = "auto"
no_rcpt = true
{trust}
[modules.slow]
security = "none"
no_rcpt = true
timeout = "6s"
deadline = "6s"

[[targets]]
name = "good"
host = {toml_string(env['host'])}
port = {ports['submission']['port']}
module = "lab"

[[targets]]
name = "wrong-password"
host = {toml_string(env['host'])}
port = {ports['submission']['port']}
module = "wrong"

[[targets]]
name = "expired"
host = {toml_string(env['host'])}
port = {ports['cert-expired']['port']}
module = "lab"

[[targets]]
name = "slow"
host = "127.0.0.1"
port = {slow_port}
module = "slow"
{extra_targets}"""


def promtool_check(text, what):
    promtool = shutil.which("promtool")
    if promtool is None:
        fail("promtool is missing (Debian: apt-get install prometheus)")
    out = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                         text=True)
    # promtool's lint also flags naming advice (exit 3); a parse error is what must not occur.
    if "error while linting" in out.stderr or ("error" in out.stderr.lower() and
                                               "lint" not in out.stderr.lower()):
        fail(f"promtool check metrics refused {what}: {out.stderr.strip()}")


def expect(cond, message):
    if not cond:
        fail(message)


# bcrypt (cost 5, to keep the test fast) of "scrape-secret".
SCRAPER_HASH = "$2b$05$01sbYxEVs/UOVFhOl9V8L.hhGvvulA434iyrwU7gBuuwRYpUNUtIS"


def check_https_and_basic_auth(probe, env, secret, slow_port, work):
    """[serve.tls_server_config] and [serve.basic_auth_users]: HTTPS only, and every path asks
    for a user whose bcrypt hash the config holds."""
    import base64
    import ssl
    key, cert = work / "exporter.key", work / "exporter.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    key.chmod(0o600)
    config = work / "https.toml"
    config.write_text(config_text(env, secret, slow_port).replace("[serve]\n", f"""[serve]
basic_auth_users = {{ scraper = "{SCRAPER_HASH}" }}
tls_server_config = {{ cert_file = "exporter.crt", key_file = "exporter.key" }}
""", 1))
    exporter = Exporter(probe, config, work)
    try:
        expect(exporter.scheme == "https", f"not HTTPS: {exporter.stderr()}")
        tls = ssl.create_default_context(cafile=str(cert))
        url = exporter.url

        def auth(user, password):
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            return {"Authorization": f"Basic {token}"}
        status, body, headers = get(f"{url}/probe?target=good", context=tls)
        expect(status == 401 and "Basic" in headers.get("WWW-Authenticate", ""),
               f"no credentials: {status} {headers}")
        for user, password in (("scraper", "wrong"), ("nobody", "scrape-secret"),
                               ("scraper", "")):
            status, _, _ = get(f"{url}/metrics", headers=auth(user, password), context=tls)
            expect(status == 401, f"{user}:{password!r} got {status}")
        status, body, _ = get(f"{url}/probe?target=good", headers=auth("scraper", "scrape-secret"),
                              context=tls)
        expect(status == 200 and samples(body).get("probe_success") == 1,
               f"with the password: {status} {body[:200]}")
        status, _, _ = get(f"{url}/metrics", headers=auth("scraper", "scrape-secret"), context=tls)
        expect(status == 200, f"/metrics with the password: {status}")
        try:
            get(f"http://127.0.0.1:{exporter.port}/metrics", timeout=5)
            fail("the HTTPS listener answered plain HTTP")
        except Exception:  # noqa: BLE001 (any failure of plain HTTP is the point)
            pass
        expect("scrape-secret" not in exporter.stderr(), "the basic auth password was logged")
    finally:
        started = time.monotonic()
        exporter.process.send_signal(signal.SIGTERM)
        code = exporter.process.wait(timeout=10)
        expect(code == 0, f"the HTTPS exporter exited {code} after SIGTERM "
               f"({time.monotonic() - started:.1f} s): {exporter.stderr()}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--lab", required=True)
    args = ap.parse_args()
    args.probe = str(Path(args.probe).resolve())
    env = lab_env(args.lab)
    work = Path(tempfile.mkdtemp(prefix="smtp-probe-serve-"))
    slow = SilentServer()
    exporter = None
    try:
        secret = private_file(work / "lab.pass", env["password"] + "\n")
        private_file(work / "wrong.pass", "not-the-password\n")
        config = work / "smtp-probe.toml"
        config.write_text(config_text(env, secret, slow.port))
        exporter = Exporter(args.probe, config, work)
        url = exporter.url

        # The lab's verdicts as metrics, and the text passes promtool.
        status, body, headers = get(f"{url}/probe?target=good")
        expect(status == 200, f"good: {status} {body}")
        expect(headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
               f"content type {headers.get('Content-Type')}")
        promtool_check(body, "/probe's metrics")
        m = samples(body)
        expect(m.get("probe_success") == 1, f"good: probe_success {m.get('probe_success')}")
        expect(m.get('smtp_probe_verdict{category="ok",cause="none"}') == 1, "good: verdict")
        expect(m.get("smtp_probe_auth_success") == 1, "good: auth")
        expect(m.get("probe_ssl_earliest_cert_expiry", 0) > time.time(), "good: cert expiry")
        expect(m.get('probe_tls_version_info{version="TLS 1.3"}') == 1, "good: TLS version")
        expect(env["password"] not in body, "the password appears in /probe")

        _, body, _ = get(f"{url}/probe?target=wrong-password")
        m = samples(body)
        expect(m.get("probe_success") == 0 and m.get("smtp_probe_auth_success") == 0,
               f"wrong-password: {body}")
        expect(m.get('smtp_probe_verdict{category="auth_failed",cause="bad_credentials"}') == 1,
               f"wrong-password verdict: {body}")
        _, body, _ = get(f"{url}/probe?target=expired")
        m = samples(body)
        expect(m.get('smtp_probe_verdict{category="smtp_connect_failed",cause="cert_expired"}')
               == 1, f"expired: {body}")
        expect(m.get("probe_ssl_earliest_cert_expiry", 1e12) < time.time(), "expired: expiry")

        status, body, _ = get(f"{url}/probe?target=good&debug=true")
        expect(status == 200 and "Transcript" in body and "probe_success 1" in body,
               f"debug: {body[:300]}")
        expect(env["password"] not in body, "the password appears in the debug transcript")

        # The allow-list: only named targets, and allowed hosts with a module without secret.
        smtp_port = env["listeners"]["smtp"]["port"]
        status, body, _ = get(f"{url}/probe?target=127.0.0.1:{smtp_port}&module=anon")
        expect(status == 200 and samples(body).get("probe_success") == 1,
               f"allowed host: {status} {body}")
        refusals = [
            (f"target=127.0.0.1:{smtp_port}&module=lab", 403, "unlisted_targets = true"),
            ("target=192.0.2.1:25&module=anon", 403, "matches no pattern"),
            ("target=127.0.0.1:22&module=anon", 403, "serve.allowed_ports"),
            (f"target=[::1]:{smtp_port}&module=anon", 403, "matches no pattern"),
            ("target=good&module=anon", 400, "is probed with module 'lab'"),
            ("target=good&password=x", 400, "unknown parameter 'password'"),
            ("target=%3Cscript%3Ealert(1)%3C/script%3E&module=anon", 400, "is not a valid"),
            ("target=good%0d%0aSet-Cookie:%20x=1", 400, "control character"),
            ("target=%ff", 400, "UTF-8"),
            ("target=a&target=b", 400, "twice"),
            ("target=" + "a" * 600, 400, "longer than 512"),
        ]
        for query, code, says in refusals:
            status, body, headers = get(f"{url}/probe?{query}")
            expect(status == code and says in body, f"{query}: {status} {body}")
            expect("<script>" not in body or headers.get("Content-Type", "").startswith(
                "text/plain"), f"{query}: echoed as HTML")
            expect("Set-Cookie" not in headers, f"{query}: a header was injected")
        status, body, _ = get(f"{url}/-/reload")
        expect(status == 405, f"GET /-/reload: {status}")
        status, body, _ = get(f"{url}/nope")
        expect(status == 404, f"/nope: {status}")

        # X-Prometheus-Scrape-Timeout-Seconds cuts a probe of a server that never greets.
        started = time.monotonic()
        status, body, _ = get(f"{url}/probe?target=slow",
                              headers={"X-Prometheus-Scrape-Timeout-Seconds": "2"})
        took = time.monotonic() - started
        expect(status == 200 and samples(body).get("probe_success") == 0, f"slow: {body}")
        expect(1.0 < took < 2.0, f"a 2 s scrape timeout (offset 0.5 s) took {took:.2f} s")
        status, body, _ = get(f"{url}/probe?target=good",
                              headers={"X-Prometheus-Scrape-Timeout-Seconds": "ten"})
        expect(status == 400 and "X-Prometheus-Scrape-Timeout-Seconds" in body, body)

        # A hung target does not hold up another scrape within the bounds.
        hung = {}
        t = threading.Thread(target=lambda: hung.update(r=get(
            f"{url}/probe?target=slow", headers={"X-Prometheus-Scrape-Timeout-Seconds": "2"})))
        t.start()
        time.sleep(0.2)
        started = time.monotonic()
        status, body, _ = get(f"{url}/probe?target=good")
        took = time.monotonic() - started
        expect(status == 200 and samples(body).get("probe_success") == 1 and took < 1.0,
               f"good beside a hung probe: {status} in {took:.2f} s")
        t.join()

        # Requests that are not HTTP, or too large, are refused and the connection closed.
        for raw, code in ((b"HELO there\r\n\r\n", b"400"),
                          (b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 +
                           b"\r\n\r\n", b"431")):
            with socket.create_connection(("127.0.0.1", exporter.port), timeout=5) as conn:
                conn.sendall(raw)
                answer = conn.recv(4096)
                expect(answer.startswith(b"HTTP/1.1 " + code),
                       f"{raw[:20]!r}: {answer[:60]!r}")

        # Two scrapes of one target at once share one probe (one connection); a third target
        # over serve.concurrency = 2 gets a 503 at once.
        accepted_before = slow.accepted
        results = {}

        def scrape(name, query):
            results[name] = get(f"{url}/probe?{query}",
                                headers={"X-Prometheus-Scrape-Timeout-Seconds": "3"})
        threads = [threading.Thread(target=scrape, args=(n, "target=slow")) for n in ("a", "b")]
        threads.append(threading.Thread(
            target=scrape, args=("c", f"target=127.0.0.1:{slow.port}&module=anon")))
        for t in threads:
            t.start()
            time.sleep(0.2)
        started = time.monotonic()
        status, body, headers = get(f"{url}/probe?target=good")
        took = time.monotonic() - started
        expect(status == 503 and "serve.concurrency" in body, f"over the bound: {status} {body}")
        expect(took < 0.5, f"the 503 took {took:.2f} s")
        expect(headers.get("Retry-After") == "1", "503 without Retry-After")
        for t in threads:
            t.join()
        expect(all(results[n][0] == 200 for n in "abc"), f"shared scrapes: {results}")
        expect(slow.accepted - accepted_before == 2,
               f"two scrapes of one target opened {slow.accepted - accepted_before - 1} "
               "connections, not one")

        # /metrics counts all of it and passes promtool.
        status, body, _ = get(f"{url}/metrics")
        promtool_check(body, "/metrics")
        m = samples(body)
        expect(m.get('smtp_probe_exporter_probes_total{result="busy"}', 0) >= 1, "busy count")
        expect(m.get('smtp_probe_exporter_probes_total{result="refused"}', 0) >= len(refusals),
               "refused count")
        expect(m.get("smtp_probe_exporter_probes_in_flight") == 0, "in flight")

        # Reload: a good config adds a target; a bad one is refused and the old one serves.
        config.write_text(config_text(env, secret, slow.port, extra_targets=f"""
[[targets]]
name = "added"
host = {toml_string(env['host'])}
port = {env['listeners']['submission']['port']}
module = "lab"
"""))
        status, body, _ = get(f"{url}/-/reload", method="POST")
        expect(status == 200 and "5 targets" in body, f"reload: {status} {body}")
        status, body, _ = get(f"{url}/probe?target=added")
        expect(status == 200 and samples(body).get("probe_success") == 1, f"added: {body}")
        good_config = config.read_text()
        config.write_text(good_config.replace("per_host = 2", "per_host = 0"))
        status, body, _ = get(f"{url}/-/reload", method="POST")
        expect(status == 500 and "smtp-probe.toml:5:" in body and "serve.per_host" in body,
               f"bad reload: {status} {body}")
        status, body, _ = get(f"{url}/probe?target=added")
        expect(status == 200 and samples(body).get("probe_success") == 1,
               "the old config stopped serving after a refused reload")
        config.write_text(good_config.replace('name = "added"', 'name = "renamed"'))
        os.kill(exporter.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if get(f"{url}/probe?target=renamed")[0] == 200:
                break
            time.sleep(0.1)
        else:
            fail("SIGHUP did not reload the config")
        m = samples(get(f"{url}/metrics")[1])
        expect(m.get('smtp_probe_exporter_config_reloads_total{result="success"}') == 2 and
               m.get('smtp_probe_exporter_config_reloads_total{result="failure"}') == 1,
               "reload counts")

        # SIGTERM: the probe being answered finishes, then the exporter exits 0.
        answered = {}
        t = threading.Thread(target=lambda: answered.update(r=get(
            f"{url}/probe?target=slow", headers={"X-Prometheus-Scrape-Timeout-Seconds": "2.5"})))
        t.start()
        time.sleep(0.5)
        exporter.process.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        exporter.process.send_signal(signal.SIGTERM)  # a second one must not cut it either
        t.join()
        code = exporter.process.wait(timeout=10)
        expect(answered["r"][0] == 200 and samples(answered["r"][1]).get("probe_success") == 0,
               f"the probe answered during shutdown: {answered}")
        expect(code == 0, f"serve exited {code} after SIGTERM: {exporter.stderr()}")
        expect(env["password"] not in exporter.stderr(), "the password appears in the log")
        check_https_and_basic_auth(args.probe, env, secret, slow.port, work)
        print("serve: metrics, allow-list, bounds, scrape timeout, reload, shutdown, HTTPS and "
              "basic auth behave")
    finally:
        if exporter is not None:
            exporter.stop()
        slow.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
