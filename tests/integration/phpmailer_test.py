#!/usr/bin/env python3
"""The real PHPMailer beside the probe, on every listener of the local mail lab.

For every lab listener and every WHMCS "SMTP SSL Type" (None, SSL, TLS) this runs
phpmailer_send.php (Debian's PHPMailer, configured as WHMCS configures it) and
`smtp-probe check ... --ssl-type TYPE` with the same settings, and compares the two:

  outcome  both succeed or both fail (the probe's OK with warnings is a success)
  step     the step that failed: connect, starttls, auth, mail_from, rcpt, data
  log      the probe's predicted System Log line (`whmcs_log`, the entry for this PHPMailer
           version) equals PHPMailer's exception message once the server's reply text, which
           must be in both, is set aside

A pair that differs only because PHPMailer goes on to DATA where the probe stops before it is
listed in EXPECTED_DIFFERENCES, and is checked to still differ in exactly that way.

    phpmailer_test.py --probe PATH [--lab SCRIPT] [--php PHP] [--jobs N] [LISTENER...]

The lab must be running (the ctest fixture starts it). Every address is on loopback: the lab's
listeners are on 127.0.0.1-5 and ::1, and the lab discards every message it accepts.
"""

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
PHP_SCRIPT = HERE / "phpmailer_send.php"
PHP_PASSWORD_VAR = "PHPMAILER_PASSWORD"
PROBE_PASSWORD_VAR = "SMTP_PROBE_LAB_PASSWORD"
SSL_TYPES = ("none", "ssl", "tls")
TIMELIMIT_S = 10  # PHPMailer's Timelimit: each read waits at most this long
# An unauthenticated client's envelope: a From outside the lab, a recipient inside it.
ANON_FROM = "probe@client.test"
# About the size of a WHMCS invoice mail with its PDF attached, once base64-encoded.
INVOICE_BYTES = 20000


@dataclass(frozen=True)
class Expected:
    """A pair that differs for a known reason, and how it differs."""
    probe_ok: bool
    php_step: str
    why: str


# (listener, ssl type) -> the difference that must still be seen there.
EXPECTED_DIFFERENCES = {
    ("small-size", "none"): Expected(
        True, "data", "message_size_limit is 10240 bytes and the invoice-sized message is "
        "larger: Postfix refuses it after DATA (552 5.3.4), a step the probe never takes"),
    ("small-size", "tls"): Expected(
        True, "data", "as with None: the size limit is enforced after DATA"),
}
# Listeners whose body is invoice-sized; every other listener gets a short message.
BODY_BYTES = {"small-size": INVOICE_BYTES}
# Listeners with anvil limits per client and minute (scripts/lab.d/listeners.sh: msg_rate,
# conn_rate): Postfix is reloaded before each run there, which restarts anvil and forgets
# every count, so each run meets the listener as the first client of the minute.
LIMIT_KEYS = ("msg_rate", "conn_rate")
LIMIT_CAUSES = ("rate_limited", "server_refused_session")


# ---- the lab ---------------------------------------------------------------------------------

def lab_env(lab_script):
    out = subprocess.run([lab_script, "env", "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"cannot read the lab's environment: {out.stderr.strip()}\n"
                 f"(is the lab running? start it with: {lab_script} start)")
    return json.loads(out.stdout)


def listener_keys(lab_script):
    """{listener: {key: value}} from the lab's listener table (the KEY=VALUE words)."""
    text = (Path(lab_script).resolve().parent / "lab.d" / "listeners.sh").read_text()
    text = text.replace("\\\n", " ")
    keys = {}
    for line in text.splitlines():
        if not line.startswith("lab_listener "):
            continue
        words = re.findall(r'"[^"]*"|\S+', line)
        keys[words[1]] = dict(w.split("=", 1) for w in words[5:] if "=" in w)
    return keys


def reload_postfix(env):
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]  # the lab's Postfix runs as root
    run = subprocess.run([*sudo, "postfix", "-c", f"{env['state_dir']}/postfix", "reload"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"postfix reload failed: {run.stderr.strip()}")
    time.sleep(0.5)  # master restarts its services after the reload


@dataclass
class Settings:
    """What WHMCS's mail settings would hold for one listener and SSL type."""
    listener: str
    ssl_type: str
    host: str
    address: str
    port: int
    sender: str
    rcpt: str
    user: Optional[str]
    body_bytes: int
    limited: bool


def settings_for(name, ssl_type, env, keys):
    spec = env["listeners"][name]
    ipv4 = [a for a in spec["addresses"] if ":" not in a]
    auth = keys.get(name, {}).get("auth", "no") != "no"
    return Settings(
        listener=name, ssl_type=ssl_type, host=spec["host"], address=ipv4[0],
        port=spec["port"],
        sender=env["user"] if auth else ANON_FROM,
        rcpt=env["user"] if auth else f"postmaster@{env['domain']}",
        user=env["user"] if auth else None,
        body_bytes=BODY_BYTES.get(name, 0),
        limited=any(k in keys.get(name, {}) for k in LIMIT_KEYS))


# ---- the two sides ---------------------------------------------------------------------------

@dataclass
class Side:
    ok: bool
    step: Optional[str]  # connect, starttls, auth, mail_from, rcpt, data; None when ok
    summary: str  # one line for the table
    raw: dict = field(default_factory=dict)
    output: str = ""  # everything the program printed, for the secret check


def phpmailer_step(message, dialogue):
    """The step PHPMailer 6.6 failed at, from its exception message and its dialogue."""
    if message.startswith("SMTP Error: Could not authenticate."):
        return "auth"
    if message.startswith("The following From address failed: "):
        return "mail_from"
    if message.startswith("SMTP Error: The following recipients failed: "):
        return "rcpt"
    if message.startswith("SMTP Error: data not accepted."):
        return "data"
    if message.startswith(("SMTP Error: Could not connect to SMTP host.",
                           "SMTP connect() failed.")):
        sent_starttls = any(line.startswith("CLIENT -> SERVER: STARTTLS") for line in dialogue)
        return "starttls" if sent_starttls else "connect"
    return f"unknown ({message[:80]})"


def probe_step(doc):
    """The probe's failing phase as one of PHPMailer's steps."""
    failed = [c["name"] for c in doc.get("checks", []) if c.get("status") == "fail"]
    if not failed:
        return None
    phase = failed[0]
    if phase in ("dns", "tcp", "greeting", "ehlo"):
        return "connect"
    if phase in ("tls", "certificate"):
        # After a STARTTLS the handshake belongs to that step; with implicit TLS to the connect.
        return "connect" if doc.get("target", {}).get("security") == "tls" else "starttls"
    return phase


def run_php(s, env, php):
    argv = [php, str(PHP_SCRIPT), "--host", s.address, "--port", str(s.port),
            "--ssl-type", s.ssl_type, "--from", s.sender, "--rcpt", s.rcpt,
            "--cafile", env["ca_file"], "--peer-name", s.host,
            "--timelimit", str(TIMELIMIT_S), "--body-bytes", str(s.body_bytes)]
    child_env = dict(os.environ)
    if s.user:
        argv += ["--user", s.user]
        child_env[PHP_PASSWORD_VAR] = env["password"]
    run = subprocess.run(argv, capture_output=True, text=True, env=child_env, timeout=120)
    try:
        doc = json.loads(run.stdout)
    except json.JSONDecodeError:
        return Side(False, "unknown", f"phpmailer_send.php exit {run.returncode}: "
                    f"{(run.stdout + run.stderr)[:300]!r}", {}, run.stdout + run.stderr)
    if doc["ok"]:
        return Side(True, None, "sent", doc, run.stdout + run.stderr)
    step = phpmailer_step(doc["message"], doc["dialogue"])
    return Side(False, step, f"{step}: {doc['message']}", doc, run.stdout + run.stderr)


def run_probe(s, env, probe):
    # --ipv4: PHPMailer connects from 127.0.0.1 too, and Postfix's replies can quote the client's
    # address ("too much mail from 127.0.0.1"), which must read the same on both sides.
    argv = [probe, "check", s.host, "--port", str(s.port), "--ssl-type", s.ssl_type, "--ipv4",
            "--from", s.sender, "--rcpt", s.rcpt, "--ca-file", env["ca_file"],
            "--dns-server", env["dns"], "--format", "json", "--timeout", f"{TIMELIMIT_S}s",
            "--deadline", "30s", "--log-level", "off"]
    child_env = dict(os.environ)
    if s.user:
        argv += ["--user", s.user, "--password-env", PROBE_PASSWORD_VAR]
        child_env[PROBE_PASSWORD_VAR] = env["password"]
    run = subprocess.run(argv, capture_output=True, text=True, env=child_env, timeout=120)
    try:
        doc = json.loads(run.stdout)
    except json.JSONDecodeError:
        return Side(False, "unknown", f"smtp-probe exit {run.returncode}: "
                    f"{(run.stdout + run.stderr)[:300]!r}", {}, run.stdout + run.stderr)
    ok = bool(doc.get("ok"))
    verdict = f"{doc.get('category')}/{doc.get('cause')}"
    if ok:
        warnings = sorted({w.get("cause") for w in doc.get("warnings", [])})
        summary = "ok" + (f" (warnings: {', '.join(warnings)})" if warnings else "")
        return Side(True, None, summary, doc, run.stdout + run.stderr)
    step = probe_step(doc)
    failed = next(c["name"] for c in doc["checks"] if c.get("status") == "fail")
    return Side(False, step, f"{step}: {verdict} at {failed}", doc, run.stdout + run.stderr)


# ---- the comparison --------------------------------------------------------------------------

def version_in(range_text, version):
    """Does the probe's era id ('<=6.5', '6.6.0-6.6.4', '>=6.6.5', or one version) contain
    '6.6.3'? Missing parts count as 0 ('6.5' is 6.5.0; '<=6.5' means below 6.6)."""
    def parts(v):
        nums = [int(x) for x in v.strip().split(".")]
        return tuple(nums + [0] * (3 - len(nums)))
    v = parts(version)
    if range_text.startswith("<="):
        top = parts(range_text[2:])
        return v[:2] <= top[:2] if len(range_text[2:].split(".")) == 2 else v <= top
    if range_text.startswith(">="):
        return v >= parts(range_text[2:])
    low, _, high = range_text.partition("-")
    return parts(low) <= v <= parts(high or low)


def server_reply_text(php):
    """The text of the server's refusal that PHPMailer's message quotes (without the reply code
    and the RFC 3463 code), or None when the failure quoted no reply (no connection, a failed
    handshake). PHPMailer keeps it as the SMTP error detail; after a refused RCPT it goes on and
    QUITs, which clears that, so then it is read from the last 4xx/5xx reply of the dialogue."""
    error = php.raw.get("smtp_error") or {}
    detail = (error.get("detail") or "").strip()
    if error.get("smtp_code") and detail:
        return detail
    refusals = [line[len("SERVER -> CLIENT: "):] for line in php.raw.get("dialogue", [])
                if re.match(r"SERVER -> CLIENT: [45]\d\d[ -]", line)]
    if not refusals:
        return None
    text = re.sub(r"^[45]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3} )?", "", refusals[-1]).strip()
    return text if text and text in php.raw.get("message", "") else None


def squeeze(text):
    return re.sub(r"\s+", " ", text).strip()


def compare_log(probe, php):
    """Problems with the probe's predicted log line against PHPMailer's real message."""
    # Trailing white space aside: PHPMailer ends some messages with the reply's CRLF, which a
    # log line does not show.
    # The probe writes PHPMailer's line breaks (a reply's CRLFs, the LF in PHP's OpenSSL warning)
    # as spaces, so white space is compared as one space.
    doc, message = probe.raw, squeeze(php.raw["message"])
    if "whmcs_log" not in doc:
        return ["log: the probe's JSON has no whmcs_log"]
    version = php.raw["version"]
    texts = [squeeze(e.get("text", "")) for e in doc["whmcs_log"] or []
             if version_in(e.get("phpmailer", "0"), version)]
    if not texts:
        return [f"log: no whmcs_log entry covers PHPMailer {version}: {doc['whmcs_log']!r}"]
    reply = server_reply_text(php)
    if reply is not None:
        reply = squeeze(reply)
    if reply is None:
        if message in texts:
            return []
        return [f"log: PHPMailer said {message!r}, the probe predicted {texts!r}"]
    if reply not in message:
        return [f"log: the server's reply {reply!r} is not in PHPMailer's message {message!r}"]
    with_reply = [t for t in texts if reply in t]
    if not with_reply:
        return [f"log: the server's reply {reply!r} is in no predicted line {texts!r}"]
    shape = message.replace(reply, "<reply>")
    if any(t.replace(reply, "<reply>") == shape for t in with_reply):
        return []
    return [f"log: PHPMailer said {message!r}, the probe predicted {with_reply!r} "
            f"(equal up to the reply {reply!r} is required)"]


def compare(probe, php):
    """The disagreements between the two sides (empty when they agree)."""
    if probe.ok != php.ok:
        return [f"outcome: probe {'succeeds' if probe.ok else 'fails'}, "
                f"PHPMailer {'succeeds' if php.ok else 'fails'}"]
    if probe.ok:
        return []
    problems = []
    if probe.step != php.step:
        problems.append(f"step: probe {probe.step}, PHPMailer {php.step}")
    return problems + compare_log(probe, php)


def secret_leaks(side, password):
    forms = {password, base64.b64encode(password.encode()).decode()}
    return ["its output contains the password"] if any(f and f in side.output for f in forms) \
        else []


@dataclass
class PairResult:
    s: Settings
    probe: Side
    php: Side
    problems: list
    expected: Optional[Expected]


def run_pair(s, env, probe_path, php_path, reload_lock):
    def fresh():
        if s.limited:
            reload_postfix(env)
    with reload_lock if s.limited else _nullcontext():
        fresh()
        probe = run_probe(s, env, probe_path)
        fresh()
        php = run_php(s, env, php_path)
    problems = compare(probe, php)
    if s.limited:
        # Each run must have met the listener fresh: a limit hit means the reload did not work.
        if probe.raw.get("cause") in LIMIT_CAUSES:
            problems.append(f"state: the probe hit the listener's limit ({probe.summary})")
        if php.raw.get("smtp_error") and re.search(r"too many|Error: too much",
                                                   json.dumps(php.raw["dialogue"])):
            problems.append(f"state: PHPMailer hit the listener's limit ({php.summary})")
    for side, name in ((probe, "smtp-probe"), (php, "PHPMailer")):
        problems += [f"{name}: {p}" for p in secret_leaks(side, env["password"])]
    expected = EXPECTED_DIFFERENCES.get((s.listener, s.ssl_type))
    if expected:
        still = probe.ok == expected.probe_ok and not php.ok and php.step == expected.php_step
        problems = [] if still else [
            f"expected difference gone (probe ok={expected.probe_ok}, PHPMailer failing at "
            f"{expected.php_step}: {expected.why}); got probe {probe.summary}, PHPMailer "
            f"{php.summary}: update EXPECTED_DIFFERENCES"]
    return PairResult(s, probe, php, problems, expected)


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# ---- table tests of the comparison (no lab) ---------------------------------------------------

def self_test():
    """The comparison's decisions on hand-made sides; returns the failures."""
    rcpt_msg = ("SMTP Error: The following recipients failed: a@b.test: <a@b.test>: "
                "Relay access denied")
    rcpt_dialogue = ["CLIENT -> SERVER: RCPT TO:<a@b.test>",
                     "SERVER -> CLIENT: 554 5.7.1 <a@b.test>: Relay access denied",
                     "CLIENT -> SERVER: QUIT", "SERVER -> CLIENT: 221 2.0.0 Bye"]

    def php(message=None, dialogue=(), smtp_error=None):
        raw = {"ok": message is None, "message": message, "dialogue": list(dialogue),
               "smtp_error": smtp_error, "version": "6.6.3"}
        step = None if message is None else phpmailer_step(message, list(dialogue))
        return Side(message is None, step, "", raw)

    def probe(phase=None, security="starttls", log=None):
        doc = {"ok": phase is None, "target": {"security": security},
               "checks": [{"name": phase, "status": "fail"}] if phase else []}
        if log is not None:
            doc["whmcs_log"] = [{"phpmailer": "6.6.0-6.6.4", "text": t} for t in log]
        return Side(phase is None, probe_step(doc), "", doc)

    auth_msg = "SMTP Error: Could not authenticate."
    cases = [
        ("both sent", probe(), php(), []),
        ("probe ok, PHPMailer refused", probe(), php(auth_msg), ["outcome"]),
        ("probe refused, PHPMailer sent", probe("auth", log=[auth_msg]), php(), ["outcome"]),
        ("same step, same line", probe("auth", log=[auth_msg]), php(auth_msg), []),
        ("no whmcs_log yet", probe("auth"), php(auth_msg), ["log"]),
        ("other version only", Side(False, "auth", "", {
            "checks": [{"name": "auth", "status": "fail"}],
            "whmcs_log": [{"phpmailer": "6.9.0-6.9.1", "text": auth_msg}]}), php(auth_msg),
         ["log"]),
        ("different step", probe("mail_from", log=[auth_msg]), php(auth_msg), ["step"]),
        ("implicit TLS handshake is the connect",
         probe("certificate", "tls", log=["SMTP Error: Could not connect to SMTP host."]),
         php("SMTP Error: Could not connect to SMTP host."), []),
        ("STARTTLS handshake is the starttls step",
         probe("certificate", "starttls", log=["SMTP Error: Could not connect to SMTP host."]),
         php("SMTP Error: Could not connect to SMTP host.",
             ["CLIENT -> SERVER: STARTTLS"]), []),
        ("equal up to the reply text",
         probe("rcpt", log=["SMTP Error: The following recipients failed: a@b.test: "
                            "<a@b.test>: Relay access denied"]),
         php(rcpt_msg, rcpt_dialogue), []),
        ("predicted line lacks the reply",
         probe("rcpt", log=["SMTP Error: The following recipients failed: a@b.test: "]),
         php(rcpt_msg, rcpt_dialogue), ["log"]),
        ("predicted wording differs",
         probe("rcpt", log=["SMTP Error: The following recipient failed: a@b.test: "
                            "<a@b.test>: Relay access denied"]),
         php(rcpt_msg, rcpt_dialogue), ["log"]),
        ("reply from the SMTP error detail",
         probe("mail_from", log=["The following From address failed: x@y.test : MAIL FROM "
                                 "command failed,too much mail,450,4.7.1 OTHER"]),
         php("The following From address failed: x@y.test : MAIL FROM command failed,"
             "too much mail,450,4.7.1 SMTP server error: MAIL FROM command failed",
             smtp_error={"error": "MAIL FROM command failed", "detail": "too much mail",
                         "smtp_code": "450", "smtp_code_ex": "4.7.1"}), ["log"]),
    ]
    failures = []
    for name, p, h, want in cases:
        got = sorted({problem.split(":", 1)[0] for problem in compare(p, h)})
        if got != sorted(want):
            failures.append(f"{name}: got {got}, expected {want}: {compare(p, h)}")
    for text, version, want in (("6.6.0-6.6.4", "6.6.3", True), ("6.6.0-6.6.4", "6.6.5", False),
                                ("6.6.3", "6.6.3", True), ("6.5.0-6.6.2", "6.6.3", False)):
        if version_in(text, version) != want:
            failures.append(f"version_in({text!r}, {version!r}) is not {want}")
    return failures


# ---- the report ------------------------------------------------------------------------------

def one_line(text, limit):
    text = re.sub(r"\s*\n\s*", " | ", text.strip())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def print_table(results):
    rows = [("listener", "SSL type", "PHPMailer", "smtp-probe", "")]
    for r in results:
        kinds = sorted({p.split(":", 1)[0] for p in r.problems})
        mark = "expected difference" if r.expected and not r.problems else \
            (f"DIFFERS ({', '.join(kinds)})" if r.problems else "agree")
        rows.append((r.s.listener, r.s.ssl_type, one_line(r.php.summary, 100), r.probe.summary,
                     mark))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(c.ljust(widths[i]) if i < 4 else c for i, c in enumerate(row)))


def print_details(r):
    print(f"== {r.s.listener} with SSL type {r.s.ssl_type}: "
          f"{r.s.host}:{r.s.port} ({r.s.address}), from {r.s.sender} to {r.s.rcpt}"
          + (f", user {r.s.user}" if r.s.user else ""))
    for p in r.problems:
        print(f"  FAIL {p}")
    print(f"  PHPMailer {r.php.raw.get('version', '?')}: {r.php.summary.splitlines()[0]}")
    if r.php.raw.get("message"):
        print(f"    message: {json.dumps(r.php.raw['message'], ensure_ascii=False)}")
    for entry in r.php.raw.get("dialogue", [])[-30:]:
        print("    " + "\n      ".join(line[:300] for line in entry.splitlines()))
    doc = r.probe.raw
    print(f"  smtp-probe: {r.probe.summary}")
    for c in doc.get("checks", []):
        print(f"    {c.get('name')}: {c.get('status')} {c.get('detail', '')[:200]}")
    print(f"    whmcs_log: {json.dumps(doc.get('whmcs_log', '(absent)'), ensure_ascii=False)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--probe", help="the smtp-probe executable")
    parser.add_argument("--self-test", action="store_true",
                        help="only the table tests of the comparison (no lab, no probe)")
    parser.add_argument("--lab", default=str(HERE.parents[1] / "scripts/lab"),
                        help="the lab script (default: scripts/lab of this tree)")
    parser.add_argument("--php", default="php", help="the PHP CLI (default: php)")
    parser.add_argument("--jobs", type=int, default=4, help="pairs of listeners run at once")
    parser.add_argument("listeners", nargs="*", help="listener names (default: all)")
    args = parser.parse_args()
    failures = self_test()
    for f in failures:
        print(f"self-test FAIL {f}")
    if failures or args.self_test:
        print(f"self-test: {len(failures)} failure(s)")
        return 1 if failures else 0
    if not args.probe:
        parser.error("--probe is required")
    if not Path("/usr/share/php/libphp-phpmailer/autoload.php").exists():
        sys.exit("Debian's PHPMailer is missing: scripts/lab-deps installs libphp-phpmailer")
    env = lab_env(args.lab)
    keys = listener_keys(args.lab)
    names = args.listeners or list(env["listeners"])
    unknown = [n for n in names if n not in env["listeners"]]
    if unknown:
        parser.error(f"unknown listener(s): {', '.join(unknown)}")
    missing = [n for n in env["listeners"] if n not in keys]
    if missing:
        sys.exit(f"listeners.sh does not describe {missing}: cannot tell which offer AUTH")
    stale = [k for k in EXPECTED_DIFFERENCES if k[0] not in env["listeners"]]
    if stale:
        sys.exit(f"EXPECTED_DIFFERENCES names listeners the lab no longer has: {stale}")

    reload_lock = threading.Lock()
    started = time.monotonic()
    # A listener's three SSL types run one after another; listeners run side by side, except
    # that a reload (for the limited listeners) waits for no other limited listener's runs.
    def one_listener(name):
        return [run_pair(settings_for(name, t, env, keys), env, args.probe, args.php, reload_lock)
                for t in SSL_TYPES]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = [r for rs in pool.map(one_listener, names) for r in rs]
    took = time.monotonic() - started

    print_table(results)
    bad = [r for r in results if r.problems]
    for r in bad:
        print()
        print_details(r)
    print(f"\n{len(results) - len(bad)} of {len(results)} pairs as expected "
          f"({sum(1 for r in results if r.expected)} expected differences), "
          f"{len(bad)} not, in {took:.1f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
