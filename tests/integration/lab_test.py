#!/usr/bin/env python3
"""The probe against the real servers of the local mail lab (scripts/lab).

Each case runs `smtp-probe check ... --format json` against one lab listener and compares the
verdict with what that listener is built to produce: the exit code, the category, the cause, the
failing phase and the warnings (as a set), plus any evidence named by the case. Every run also
checks that the lab password appears nowhere in the probe's output.

    lab_test.py --list                               the case names, one a line (for CMake)
    lab_test.py --probe PATH [--lab SCRIPT] CASE...  run cases; exit 0 when all pass

The lab must be running: the ctest fixture starts it with `scripts/lab start`. The probe's
arguments are templates: {host}, {domain}, {user}, {dns}, {port:LISTENER}, {provider:NAME},
{closed_port}, {nxdomain} come from `scripts/lab env --json`.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

PASSWORD_VAR = "SMTP_PROBE_LAB_PASSWORD"
WRONG_PASSWORD = "not-the-lab-password"
# An unauthenticated client's envelope: a From outside the lab, a recipient inside it.
ANON = ["--from", "probe@client.test", "--rcpt", "postmaster@{domain}"]


@dataclass
class Case:
    name: str
    args: list
    exit: int
    category: str
    cause: Optional[str] = None
    phase: Optional[str] = None  # the phase whose status is "fail"
    warnings: tuple = ()
    underlying: Optional[str] = None
    password: Optional[str] = None  # "right" or "wrong": given with --password-env
    evidence: dict = field(default_factory=dict)  # {phase: {key: value}}
    attempts: int = 1  # rate limits: probe until the verdict appears, at most this often
    why: str = ""


def login(password="right"):
    return {"password": password}


CASES = [
    # ---- port-25 style: STARTTLS offered, no AUTH ----
    Case("smtp_ok", ["{host}", "--port", "{port:smtp}", *ANON], 0, "ok",
         why="a plain port-25 style server accepts the envelope"),
    Case("smtp_relay_denied", ["{host}", "--port", "{port:smtp}", "--from", "probe@client.test",
                               "--rcpt", "someone@elsewhere.example"],
         2, "data_not_accepted", "relay_denied", "rcpt",
         why="Postfix refuses to relay for a client that did not log in"),
    # ---- 587 style ----
    Case("submission_ok", ["{host}", "--port", "{port:submission}", "--security", "starttls",
                           "--user", "{user}"], 0, "ok", **login()),
    Case("submission_wrong_password", ["{host}", "--port", "{port:submission}", "--security",
                                       "starttls", "--user", "{user}"],
         2, "auth_failed", "bad_credentials", "auth", **login("wrong")),
    Case("submission_sender_not_owned_at_rcpt",
         ["{host}", "--port", "{port:submission}", "--security", "starttls", "--user", "{user}",
          "--from", "other@{domain}"],
         2, "data_not_accepted", "sender_not_owned", "rcpt", ("sender_differs_from_login",),
         **login(), why="reject_sender_login_mismatch with smtpd_delay_reject=yes answers at RCPT"),
    Case("sender_at_mail_not_owned",
         ["{host}", "--port", "{port:sender-at-mail}", "--security", "starttls", "--user",
          "{user}", "--from", "other@{domain}"],
         2, "data_not_accepted", "sender_not_owned", "mail_from", ("sender_differs_from_login",),
         **login(), why="with smtpd_delay_reject=no Postfix refuses the From at MAIL FROM"),
    Case("submission_probed_with_implicit_tls",
         ["{host}", "--port", "{port:submission}", "--security", "tls", "--user", "{user}"],
         2, "connect_host", "port_mode_mismatch", "tls", **login()),
    Case("submission_whmcs_none_upgrades",
         ["{host}", "--port", "{port:submission}", "--ssl-type", "none", "--user", "{user}"],
         0, "ok", **login(),
         why="SSL Type None: PHPMailer's SMTPAutoTLS upgrades with STARTTLS, then AUTH works"),
    Case("submission_auth_before_starttls",
         ["{host}", "--port", "{port:submission}", "--security", "none", "--user", "{user}"],
         2, "auth_failed", "auth_requires_tls", "auth", **login(),
         why="smtpd_tls_auth_only: no AUTH before STARTTLS, which the server offers"),
    # ---- 465 style ----
    Case("smtps_ok", ["{host}", "--port", "{port:smtps}", "--security", "tls", "--user", "{user}"],
         0, "ok", **login()),
    Case("smtps_wrong_password",
         ["{host}", "--port", "{port:smtps}", "--security", "tls", "--user", "{user}"],
         2, "auth_failed", "bad_credentials", "auth", **login("wrong")),
    Case("smtps_probed_in_plain",
         ["{host}", "--port", "{port:smtps}", "--security", "none", "--user", "{user}"],
         2, "connect_host", "port_mode_mismatch", "greeting", **login(),
         why="no greeting in 3 s, and a TLS handshake on a second connection works"),
    Case("smtps_ipv6_literal_with_port",
         ["[::1]:{port:smtps}", "--security", "tls", "--user", "{user}"], 1, "ok",
         warnings=("ipv6_literal_host",), **login(),
         why="the server works over IPv6, but WHMCS could not use [::1] as its Hostname"),
    Case("smtps_ipv6_literal_whmcs_ssl",
         ["[::1]:{port:smtps}", "--ssl-type", "ssl", "--user", "{user}"],
         2, "connect_host", "ipv6_literal_host", "dns", **login(),
         why="PHPMailer cannot use an IPv6 literal as the SMTP host"),
    # ---- plaintext only ----
    Case("plain_credentials_in_clear",
         ["{host}", "--port", "{port:plain}", "--security", "none", "--user", "{user}"],
         1, "ok", warnings=("credentials_in_clear",), **login()),
    Case("plain_starttls_required",
         ["{host}", "--port", "{port:plain}", "--security", "starttls", "--user", "{user}"],
         2, "connect_host", "starttls_unavailable", "starttls", **login()),
    # ---- limits ----
    Case("rate_limited", ["{host}", "--port", "{port:rate-limited}", *ANON],
         2, "data_not_accepted", "rate_limited", "mail_from", attempts=3,
         why="anvil: the third MAIL FROM within a minute gets 450 4.7.1 too much mail"),
    Case("connection_rate_limited", ["{host}", "--port", "{port:conn-limited}", *ANON],
         2, "connect_host", "server_refused_session", "greeting", attempts=2,
         why="anvil: the second connection within a minute gets 421 instead of 220"),
    Case("small_size_limit_announced", ["{host}", "--port", "{port:small-size}", *ANON],
         0, "ok", evidence={"ehlo": {"size_limit": 10240}}),
    # ---- certificates (trusting the lab CA) ----
    Case("cert_expired", ["{host}", "--port", "{port:cert-expired}", "--security", "starttls",
                          *ANON], 2, "smtp_connect_failed", "cert_expired", "certificate"),
    Case("cert_expired_whmcs_none",
         ["{host}", "--port", "{port:cert-expired}", "--ssl-type", "none", *ANON],
         2, "smtp_connect_failed", "cert_expired", "certificate",
         why="SSL Type None still upgrades when STARTTLS is offered, and checks the certificate"),
    Case("cert_expired_insecure", ["{host}", "--port", "{port:cert-expired}", "--security",
                                   "starttls", "--insecure", *ANON],
         1, "ok", warnings=("insecure_certificate",)),
    Case("cert_expiring", ["{host}", "--port", "{port:cert-expiring}", "--security", "starttls",
                           *ANON], 1, "ok", warnings=("cert_expiring",)),
    Case("cert_self_signed", ["{host}", "--port", "{port:cert-self-signed}", "--security", "tls",
                              *ANON], 2, "smtp_connect_failed", "cert_untrusted", "certificate"),
    Case("cert_wrong_name", ["{host}", "--port", "{port:cert-wrong-name}", "--security",
                             "starttls", *ANON],
         2, "smtp_connect_failed", "cert_name_mismatch", "certificate"),
    Case("cert_not_yet_valid", ["{host}", "--port", "{port:cert-not-yet-valid}", "--security",
                                "tls", *ANON],
         2, "smtp_connect_failed", "cert_expired", "certificate"),
    Case("cert_unknown_ca", ["{host}", "--port", "{port:cert-unknown-ca}", "--security",
                             "starttls", *ANON],
         2, "smtp_connect_failed", "cert_untrusted", "certificate"),
    # ---- TCP and DNS ----
    Case("closed_port", ["{host}", "--port", "{closed_port}", *ANON],
         2, "connect_host", "tcp_refused", "tcp"),
    Case("dns_nxdomain", ["{nxdomain}", "--port", "{port:smtp}", *ANON],
         2, "smtp_connect_failed", "dns_not_found", "dns"),
    Case("dns_no_address", ["{domain}", "--port", "{port:smtp}", *ANON],
         2, "smtp_connect_failed", "dns_not_found", "dns",
         why="the lab domain has an MX record but no A or AAAA"),
    Case("dns_refused", ["mail.elsewhere.example", "--port", "{port:smtp}", *ANON],
         2, "smtp_connect_failed", "dns_server_failure", "dns",
         why="the lab's DNS server answers REFUSED outside its zones"),
    # ---- provider hosts on the standard ports ----
    Case("provider_submission_only_587", ["{provider:submission-only}", "--port", "587",
                                          "--user", "{user}"], 0, "ok", **login()),
    Case("provider_submission_only_465_closed", ["{provider:submission-only}", "--port", "465",
                                                 "--user", "{user}"],
         2, "connect_host", "tcp_refused", "tcp", **login()),
    Case("provider_smtps_only_465", ["{provider:smtps-only}", "--port", "465", "--user",
                                     "{user}"], 0, "ok", **login()),
    Case("provider_smtps_only_587_closed", ["{provider:smtps-only}", "--port", "587", "--user",
                                            "{user}"],
         2, "connect_host", "tcp_refused", "tcp", **login()),
    Case("provider_all_ports_25", ["{provider:all-ports}", "--port", "25", *ANON], 0, "ok"),
    Case("provider_all_ports_26", ["{provider:all-ports}", "--port", "26", *ANON], 0, "ok"),
    Case("provider_all_ports_465", ["{provider:all-ports}", "--port", "465", "--user", "{user}"],
         0, "ok", **login()),
    Case("provider_all_ports_587", ["{provider:all-ports}", "--port", "587", "--user", "{user}"],
         0, "ok", **login()),
    # ---- a server that answers with this machine's name (outbound SMTP redirected) ----
    Case("redirect_certificate", ["{provider:redirect}", "--port", "587", "--user", "{user}"],
         2, "smtp_connect_failed", "smtp_restrictions_redirect", "certificate",
         underlying="cert_name_mismatch", **login(),
         why="the certificate names this machine, not the host asked for"),
    Case("redirect_greeting", ["{provider:redirect}", "--port", "25", "--security", "none",
                               *ANON], 1, "ok", warnings=("smtp_restrictions_redirect",),
         why="the greeting names this machine; nothing fails, so it is a warning"),
]


@dataclass
class DiagnoseCase:
    """`smtp-probe diagnose HOST ... --format json`: the recommendation and how AUTH was tried."""
    name: str
    args: list
    exit: int
    recommendation: Optional[tuple] = None  # (port, ssl_type), or None when nothing works
    category: str = "ok"
    cause: Optional[str] = None
    redirect: bool = False
    tried_auth: Optional[int] = None  # how many combinations were tried with AUTH
    not_tried: Optional[int] = None  # how many carry password_refused_on
    password: Optional[str] = None
    why: str = ""
    sent: Optional[bool] = None  # --send-to: whether the test message was queued


DIAGNOSE_CASES = [
    DiagnoseCase("diagnose_submission_only", ["{provider:submission-only}", "--user", "{user}"],
                 0, (587, "TLS"), tried_auth=1, password="right",
                 why="only 587 answers: enter 587 with TLS (STARTTLS)"),
    DiagnoseCase("diagnose_smtps_only", ["{provider:smtps-only}", "--user", "{user}"],
                 0, (465, "SSL"), tried_auth=1, password="right",
                 why="only 465 answers: enter 465 with SSL (implicit TLS)"),
    DiagnoseCase("diagnose_all_ports", ["{provider:all-ports}", "--user", "{user}"],
                 0, (465, "SSL"), password="right",
                 why="everything works: 465 with SSL is preferred"),
    DiagnoseCase("diagnose_redirect", ["{provider:redirect}"], 2, None,
                 "smtp_connect_failed", "smtp_restrictions_redirect", redirect=True,
                 tried_auth=0, why="the answers come from this machine: the redirect is named"),
    DiagnoseCase("diagnose_wrong_password", ["{provider:all-ports}", "--user", "{user}"],
                 2, None, "auth_failed", "bad_credentials", tried_auth=1, not_tried=3,
                 password="wrong",
                 why="after the password is refused once, no other port is tried with it"),
    DiagnoseCase("diagnose_send_to", ["{provider:submission-only}", "--user", "{user}",
                                      "--send-to", "{user}"],
                 0, (587, "TLS"), tried_auth=1, password="right", sent=True,
                 why="--send-to: one real message through 587/TLS, queued (the lab discards it)"),
    DiagnoseCase("diagnose_nxdomain", ["{nxdomain}"], 2, None, "smtp_connect_failed",
                 "dns_not_found", tried_auth=0, why="a name that does not resolve: reported once"),
]


@dataclass
class PhpMailCase:
    """php-mail --send-to through the lab's own Postfix (sendmail -C its config directory)."""
    name: str
    why: str = ""


PHP_MAIL_CASES = [
    PhpMailCase("php_mail_send_to_lab_postfix",
                why="PHP's mail() hands one labelled message to Postfix's sendmail; the lab's "
                    "Postfix picks it up and discards it, which its log shows"),
]


ALL_CASES = CASES + DIAGNOSE_CASES + PHP_MAIL_CASES


def lab_env(lab_script):
    out = subprocess.run([lab_script, "env", "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"cannot read the lab's environment: {out.stderr.strip()}\n"
                 f"(is the lab running? start it with: {lab_script} start)")
    return json.loads(out.stdout)


def expand(arg, env):
    def one(match):
        kind, _, key = match.group(1).partition(":")
        if kind == "port":
            return str(env["listeners"][key]["port"])
        if kind == "provider":
            return env["providers"][key]["host"]
        return str(env[kind])
    return re.sub(r"\{([a-z_]+(?::[a-z0-9-]+)?)\}", one, arg)


def probe_once(case, probe, env, command="check", timeout=60):
    argv = [probe, command, *(expand(a, env) for a in case.args), "--format", "json",
            "--dns-server", env["dns"], "--ca-file", env["ca_file"],
            "--timeout", "10s", "--deadline", "30s", "--log-level", "off"]
    child_env = dict(os.environ)
    if case.password:
        argv += ["--password-env", PASSWORD_VAR]
        child_env[PASSWORD_VAR] = env["password"] if case.password == "right" else WRONG_PASSWORD
    started = time.monotonic()
    run = subprocess.run(argv, capture_output=True, text=True, env=child_env, timeout=timeout)
    return argv, run, time.monotonic() - started


def verdict(doc):
    failed = [c["name"] for c in doc.get("checks", []) if c.get("status") == "fail"]
    return {
        "exit": None,
        "category": doc.get("category"),
        "cause": doc.get("cause"),
        "underlying": doc.get("underlying_cause"),
        "phase": failed[0] if failed else None,
        "warnings": sorted({w.get("cause") for w in doc.get("warnings", [])}),
    }


def check_case(case, probe, env):
    """Returns a list of problems (empty when the case passes)."""
    expected = {"exit": case.exit, "category": case.category, "cause": case.cause,
                "underlying": case.underlying, "phase": case.phase,
                "warnings": sorted(case.warnings)}
    for attempt in range(1, case.attempts + 1):
        argv, run, seconds = probe_once(case, probe, env)
        shown = " ".join(argv)
        print(f"$ {shown}\n  (attempt {attempt}, exit {run.returncode}, {seconds:.2f} s)")
        problems = []
        if env["password"] in run.stdout or env["password"] in run.stderr:
            problems.append("the lab password appears in the probe's output")
        try:
            doc = json.loads(run.stdout)
        except json.JSONDecodeError as e:
            return problems + [f"stdout is not one JSON document ({e}): {run.stdout[:500]!r} "
                               f"stderr: {run.stderr[:500]!r}"]
        got = verdict(doc)
        got["exit"] = run.returncode
        if got == expected or attempt == case.attempts:
            break
        if run.returncode != 0:
            # Before its limit a rate-limited listener must still accept the probe.
            return problems + [f"attempt {attempt} before the limit: {got}"]
    print(f"  got:      {got}\n  expected: {expected}")
    for key in expected:
        if got[key] != expected[key]:
            problems.append(f"{key}: got {got[key]!r}, expected {expected[key]!r}")
    for phase, keys in case.evidence.items():
        record = next((c for c in doc["checks"] if c["name"] == phase), {})
        for key, value in keys.items():
            actual = record.get("evidence", {}).get(key)
            if actual != value:
                problems.append(f"{phase} evidence {key}: got {actual!r}, expected {value!r}")
    if problems:
        print("  the probe's JSON:\n  " + json.dumps(doc, ensure_ascii=False))
    return problems


def check_diagnose_case(case, probe, env):
    argv, run, took = probe_once(case, probe, env, "diagnose", timeout=100)
    print(f"$ {' '.join(argv)}\n  (exit {run.returncode}, {took:.2f} s)")
    problems = []
    if env["password"] in run.stdout or env["password"] in run.stderr:
        problems.append("the lab password appears in the probe's output")
    try:
        doc = json.loads(run.stdout)
    except json.JSONDecodeError as e:
        return problems + [f"stdout is not one JSON document ({e}): {run.stdout[:500]!r} "
                           f"stderr: {run.stderr[:500]!r}"]
    rec = doc.get("recommendation")
    combos = doc.get("combinations", [])
    got = {"exit": run.returncode,
           "recommendation": (rec["port"], rec["ssl_type"]) if rec else None,
           "category": doc.get("category"), "cause": doc.get("cause"),
           "redirect": doc.get("redirect"),
           "tried_auth": sum(1 for c in combos if c.get("tried_auth")),
           "not_tried": sum(1 for c in combos if c.get("password_refused_on") is not None)}
    if case.sent is not None:
        sent = doc.get("sent") or {}
        data = [c for c in (sent.get("result") or {}).get("checks", []) if c["name"] == "data"]
        got["sent"] = bool(data) and data[0]["status"] == "pass" and \
            data[0]["detail"].startswith("queue id ")
    expected = {"exit": case.exit, "recommendation": case.recommendation,
                "category": case.category, "cause": case.cause, "redirect": case.redirect,
                "tried_auth": case.tried_auth, "not_tried": case.not_tried}
    if case.sent is not None:
        expected["sent"] = case.sent
    for key in ("tried_auth", "not_tried"):
        if expected[key] is None:
            del expected[key], got[key]
    print(f"  got:      {got}\n  expected: {expected}")
    for key in expected:
        if got[key] != expected[key]:
            problems.append(f"{key}: got {got[key]!r}, expected {expected[key]!r}")
    if problems:
        print("  the probe's JSON:\n  " + json.dumps(doc, ensure_ascii=False)[:4000])
    return problems


def check_php_mail_case(case, probe, env, lab_script):
    state = subprocess.run([lab_script, "state"], capture_output=True, text=True).stdout.strip()
    if not state:
        return ["the lab's state directory is unknown (scripts/lab state printed nothing)"]
    token = f"phpmail-{os.getpid()}-{int(time.time())}"
    to = f"{token}@{env['domain']}"
    with tempfile.TemporaryDirectory() as tmp:
        ini = Path(tmp) / "php.ini"
        ini.write_text(f'sendmail_path = "/usr/sbin/sendmail -C {state}/postfix -t -i"\n')
        argv = [probe, "php-mail", "--php-ini", str(ini), "--send-to", to, "--format", "json"]
        run = subprocess.run(argv, capture_output=True, text=True, timeout=100)
    print(f"$ {' '.join(argv)}\n  (exit {run.returncode})")
    try:
        doc = json.loads(run.stdout)
    except json.JSONDecodeError as e:
        return [f"stdout is not one JSON document ({e}): {run.stdout[:500]!r} "
                f"stderr: {run.stderr[:500]!r}"]
    problems = []
    steps = {c["name"]: c["status"] for c in doc.get("checks", [])}
    send = doc.get("send") or {}
    got = {"exit": run.returncode, "send": send.get("status"),
           "postfix status": steps.get("postfix status"), "maildrop": steps.get("maildrop")}
    expected = {"exit": 0, "send": "sent", "postfix status": "pass", "maildrop": "pass"}
    print(f"  got:      {got}\n  expected: {expected}")
    for key in expected:
        if got[key] != expected[key]:
            problems.append(f"{key}: got {got[key]!r}, expected {expected[key]!r}")
    # The message really went through Postfix: pickup, cleanup, qmgr, then the lab's discard.
    log = Path(state) / "postfix.log"
    deadline = time.monotonic() + 20
    delivered = False
    while time.monotonic() < deadline and not delivered:
        text = log.read_text(errors="replace") if log.exists() else ""
        delivered = any(f"to=<{to}>" in line and "status=sent" in line
                        for line in text.splitlines())
        if not delivered:
            time.sleep(0.5)
    if not delivered:
        problems.append(f"no 'to=<{to}> ... status=sent' line in {log} within 20 s")
    else:
        print(f"  Postfix logged the discard of the message to {to}")
    if problems:
        print("  the probe's JSON:\n  " + json.dumps(doc, ensure_ascii=False)[:4000])
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="print the case names")
    parser.add_argument("--probe", help="the smtp-probe executable")
    parser.add_argument("--lab", default=str(Path(__file__).resolve().parents[2] / "scripts/lab"),
                        help="the lab script (default: scripts/lab of this tree)")
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    args = parser.parse_args()
    if args.list:
        print("\n".join(c.name for c in ALL_CASES))
        return 0
    if not args.probe:
        parser.error("--probe is required")
    by_name = {c.name: c for c in ALL_CASES}
    unknown = [n for n in args.cases if n not in by_name]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    env = lab_env(args.lab)
    failed = 0
    selected = [by_name[n] for n in args.cases] if args.cases else ALL_CASES
    for case in selected:
        print(f"== {case.name}" + (f": {case.why}" if case.why else ""))
        if isinstance(case, PhpMailCase):
            problems = check_php_mail_case(case, args.probe, env, args.lab)
        elif isinstance(case, DiagnoseCase):
            problems = check_diagnose_case(case, args.probe, env)
        else:
            problems = check_case(case, args.probe, env)
        for p in problems:
            print(f"  FAIL {p}")
        print(f"  {'FAIL' if problems else 'ok'}")
        failed += bool(problems)
    print(f"{len(selected) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
