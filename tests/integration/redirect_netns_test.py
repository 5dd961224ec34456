#!/usr/bin/env python3
"""--as-user against a real owner-based SMTP redirect, inside network namespaces of our own.

cPanel's "SMTP Restrictions" and CSF's SMTP_REDIRECT send outbound SMTP of every user but root
to this machine's own mail server, with an iptables rule matching the socket owner. This test
builds that for real, without touching the host's network:

    client namespace (the probe)                    server namespace
    192.0.2.1 --------------- veth ---------------- 192.0.2.10: the "provider" (ports 25, 587)
    127.0.0.1: a local "Exim" with cPanel's greeting (ports 25, 587)
    nat OUTPUT: tcp to 192.0.2.10 ports 25,465,587, owner not root -> REDIRECT (to 127.0.0.1)

and checks that the probe run as root reaches the provider and reports no redirect, while the
same probe with --as-user nobody is redirected, says so, and reports who it connected as; that
the rule's own packet counter moved only then; and that --as-user is refused when not root.

    redirect_netns_test.py --probe PATH

Exit 0 when every case passes, 1 when one fails, 77 (ctest's skip code here) when this machine
cannot build the namespaces (not root, no iptables, no NAT in a namespace).
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SKIP = 77
HERE = Path(__file__).resolve().parent
PROVIDER = "192.0.2.10"
PROVIDER_NAME = "smtp.provider.test"
RULE = ["-p", "tcp", "-d", PROVIDER, "-m", "multiport", "--dports", "25,465,587",
        "-m", "owner", "!", "--uid-owner", "0", "-j", "REDIRECT"]


def run(args, check=True, **kw):
    return subprocess.run(args, check=check, text=True, capture_output=True, **kw)


class Namespaces:
    def __init__(self):
        tag = f"{os.getpid() % 100000}"
        self.client, self.server = f"spc{tag}", f"sps{tag}"
        self.veth_client, self.veth_server = f"spv{tag}a", f"spv{tag}b"
        self.servers = []

    def in_client(self, args):
        return ["ip", "netns", "exec", self.client] + args

    def up(self):
        run(["ip", "netns", "add", self.client])
        run(["ip", "netns", "add", self.server])
        run(["ip", "link", "add", self.veth_client, "type", "veth", "peer", "name",
             self.veth_server])
        run(["ip", "link", "set", self.veth_client, "netns", self.client])
        run(["ip", "link", "set", self.veth_server, "netns", self.server])
        for ns, dev, addr in ((self.client, self.veth_client, "192.0.2.1/24"),
                              (self.server, self.veth_server, PROVIDER + "/24")):
            run(["ip", "-n", ns, "addr", "add", addr, "dev", dev])
            run(["ip", "-n", ns, "link", "set", dev, "up"])
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        run(self.in_client(["iptables", "-t", "nat", "-A", "OUTPUT"] + RULE))

    def start_server(self, ns, listen, greeting, name):
        args = ["ip", "netns", "exec", ns, sys.executable, str(HERE / "scripted_smtp.py"),
                "--name", name]
        for item in listen:
            args += ["--listen", item]
        for line in greeting:
            args += ["--greeting-line", line]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self.servers.append(proc)
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the scripted server {name} did not start")

    def rule_packets(self):
        out = run(self.in_client(["iptables", "-t", "nat", "-L", "OUTPUT", "-v", "-n", "-x"]))
        for line in out.stdout.splitlines():
            if "REDIRECT" in line:
                return int(line.split()[0])
        raise RuntimeError("the REDIRECT rule is gone")

    def zero_counters(self):
        run(self.in_client(["iptables", "-t", "nat", "-Z", "OUTPUT"]))

    def down(self):
        for proc in self.servers:
            proc.kill()
            proc.wait()
        for ns in (self.client, self.server):
            run(["ip", "netns", "del", ns], check=False)


def can_build():
    """None when this machine can build the namespaces, else why not."""
    if os.geteuid() != 0:
        return "not root: network namespaces and iptables need root"
    for tool in ("ip", "iptables", "openssl"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/lab-deps installs it)"
    if run(["getent", "passwd", "nobody"], check=False).returncode != 0:
        return "there is no user nobody"
    return None


class Checker:
    def __init__(self):
        self.failures = 0

    def expect(self, name, condition, detail=""):
        print(f"{'ok  ' if condition else 'FAIL'} {name}" + (f": {detail}" if detail and
                                                            not condition else ""))
        if not condition:
            self.failures += 1


def probe_json(ns, probe, args):
    out = run(ns.in_client([probe] + args + ["--format", "json"]), check=False)
    try:
        return out.returncode, json.loads(out.stdout), out.stderr
    except json.JSONDecodeError:
        return out.returncode, None, out.stdout + out.stderr


def combination(doc, port):
    for c in doc["combinations"]:
        if c["port"] == port:
            return c
    raise KeyError(port)


def greeting_text(result):
    for rec in result["checks"]:
        reply = (rec.get("evidence") or {}).get("reply")
        if rec["name"] == "greeting" and reply:
            return " ".join(reply["lines"])
    return ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--probe", required=True)
    args = parser.parse_args()
    probe = str(Path(args.probe).resolve())
    why_not = can_build()
    if why_not:
        print(f"skipped: {why_not}")
        return SKIP

    ns = Namespaces()
    try:
        try:
            ns.up()
        except subprocess.CalledProcessError as e:
            print(f"skipped: could not build the namespaces: {' '.join(e.cmd)}: "
                  f"{(e.stderr or '').strip()}")
            return SKIP
        here = socket.gethostname()
        ns.start_server(ns.server, [f"{PROVIDER}:25", f"{PROVIDER}:587"],
                        [f"{PROVIDER_NAME} ESMTP ready"], PROVIDER_NAME)
        ns.start_server(ns.client, ["127.0.0.1:25", "127.0.0.1:587"],
                        [f"{here} ESMTP Exim 4.96.2 #2 Wed, 25 Nov 2026 12:00:00 +0000 ",
                         "We do not authorize the use of this system to transport unsolicited, ",
                         "and/or bulk e-mail."], here)
        t = Checker()
        common = ["--deadline", "20s", "--connect-timeout", "3s", "--timeout", "5s"]

        # As root: exempt from the rule, so the provider answers.
        ns.zero_counters()
        code, doc, err = probe_json(ns, probe, ["diagnose", PROVIDER] + common)
        t.expect("root: the report is JSON", doc is not None, err)
        if doc:
            t.expect("root: run_as names root, not switched, exempt",
                     {k: v for k, v in doc["run_as"].items() if k != "redirect_tools"} ==
                     {"user": "root", "uid": 0, "switched": False, "redirect_exempt": True},
                     json.dumps(doc["run_as"]))
            t.expect("root: no redirect", doc["redirect"] is False)
            t.expect("root: port 25 answered by the provider",
                     PROVIDER_NAME in greeting_text(combination(doc, 25)["result"]),
                     greeting_text(combination(doc, 25)["result"]))
            t.expect("root: recommends port 25", (doc["recommendation"] or {}).get("port") == 25,
                     json.dumps(doc["recommendation"]))
            # Port 25 without STARTTLS passes with the tls_not_used warning: exit 1.
            t.expect("root: exit 1 (works, with warnings)", code == 1, f"exit {code}")
        t.expect("root: the rule matched nothing", ns.rule_packets() == 0)

        # As nobody: the rule sends the connections to the local "Exim".
        ns.zero_counters()
        code, doc, err = probe_json(ns, probe, ["diagnose", PROVIDER, "--as-user", "nobody"] +
                                    common)
        t.expect("nobody: the report is JSON", doc is not None, err)
        if doc:
            run_as = doc["run_as"]
            t.expect("nobody: run_as names nobody, switched",
                     run_as["user"] == "nobody" and run_as["switched"] is True and
                     run_as["redirect_exempt"] is False and run_as["uid"] != 0, json.dumps(run_as))
            t.expect("nobody: the redirect is flagged", doc["redirect"] is True)
            t.expect("nobody: port 25 answered by this machine's Exim",
                     "We do not authorize" in greeting_text(combination(doc, 25)["result"]),
                     greeting_text(combination(doc, 25)["result"]))
            # What passed (25) was this machine's server: nothing to recommend. The redirect
            # decides, through the preferred redirected combination: 587, whose STARTTLS the
            # local server lacks, so the category is that phase's (connect_host).
            t.expect("nobody: nothing recommended", doc["recommendation"] is None,
                     json.dumps(doc["recommendation"]))
            t.expect("nobody: the verdict is the redirect",
                     (doc["category"], doc["cause"]) == ("connect_host",
                                                         "smtp_restrictions_redirect"),
                     f'{doc["category"]} {doc["cause"]}')
            t.expect("nobody: exit 2", code == 2, f"exit {code}")
        t.expect("nobody: the rule matched", ns.rule_packets() > 0)

        # The text report says who connected.
        out = run(ns.in_client([probe, "diagnose", PROVIDER, "--as-user", "nobody", "--lang",
                                "en", "--color", "never"] + common), check=False)
        t.expect("nobody: the text names the user",
                 "Connections made as nobody" in out.stdout, out.stdout[-600:])
        t.expect("nobody: the text names the redirect", "redirected" in out.stdout)

        # check with --as-user: the same, for the one setting typed.
        code, doc, err = probe_json(ns, probe, ["check", PROVIDER, "--port", "25", "--as-user",
                                                "nobody", "--no-rcpt"] + common)
        t.expect("check nobody: the report is JSON", doc is not None, err)
        if doc:
            causes = [w["cause"] for w in doc.get("warnings", [])] + [doc.get("cause")]
            t.expect("check nobody: the redirect is named",
                     "smtp_restrictions_redirect" in causes, json.dumps(causes))
            t.expect("check nobody: run_as switched", doc["run_as"]["switched"] is True)

        # An unknown user, and a user who is not root: refused before any connection.
        ns.zero_counters()
        out = run(ns.in_client([probe, "check", PROVIDER, "--as-user", "no-such-user-sp"]),
                  check=False)
        t.expect("unknown user: exit 3", out.returncode == 3, f"exit {out.returncode}")
        t.expect("unknown user: says so", "there is no user" in out.stderr, out.stderr)
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)
            copy = Path(tmp) / "smtp-probe"
            shutil.copy(probe, copy)
            os.chmod(copy, 0o755)
            out = run(ns.in_client(["setpriv", "--reuid=nobody", "--regid=nogroup",
                                    "--clear-groups", str(copy), "check", PROVIDER,
                                    "--as-user", "daemon"]), check=False)
        t.expect("not root: exit 3", out.returncode == 3, f"exit {out.returncode}")
        t.expect("not root: says root is needed", "needs root" in out.stderr, out.stderr)
        t.expect("refusals connected nowhere", ns.rule_packets() == 0)

        # php-mail --as-user: the checks run with that account's permissions.
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)
            ini = Path(tmp) / "php.ini"
            ini.write_text("sendmail_path = /bin/true\n")
            os.chmod(ini, 0o644)
            out = run([probe, "php-mail", "--php-ini", str(ini), "--as-user", "nobody",
                       "--php", "/nonexistent/php", "--format", "json"], check=False)
        try:
            steps = {c["name"]: c["detail"] for c in json.loads(out.stdout)["checks"]}
        except (json.JSONDecodeError, KeyError, TypeError):
            steps = {}
        t.expect("php-mail --as-user: checked as nobody",
                 "checked as nobody" in steps.get("sendmail_executable", ""),
                 out.stdout + out.stderr)

        # A CA file only root can read: the trust store is read after the switch, and the
        # message says what to change.
        with tempfile.TemporaryDirectory() as tmp:
            ca = Path(tmp) / "ca.pem"
            run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(Path(tmp) / "ca.key"),
                 "-out", str(ca), "-days", "2", "-subj", "/CN=smtp-probe root-only test CA"])
            os.chmod(tmp, 0o700)
            out = run(ns.in_client([probe, "check", PROVIDER, "--ca-file", str(ca),
                                    "--as-user", "nobody"]), check=False)
        t.expect("root-only --ca-file with --as-user: exit 3", out.returncode == 3,
                 f"exit {out.returncode}")
        t.expect("root-only --ca-file with --as-user: says who must read it",
                 "Permission denied" in out.stderr and
                 "must be readable by that user" in out.stderr, out.stderr)

        print(f"redirect_netns: {t.failures} failed")
        return 1 if t.failures else 0
    finally:
        ns.down()


if __name__ == "__main__":
    sys.exit(main())
