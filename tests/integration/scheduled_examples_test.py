#!/usr/bin/env python3
"""The cron and systemd examples' commands, run as written against the local mail lab.

examples/cron/smtp-probe's job and examples/systemd/smtp-probe-run.service's ExecStart are run
with only their paths moved into a temporary folder (the config, /var/lib/smtp-probe, the
binary), for a config whose targets all pass and one with a target that fails:

  cron     prints nothing when every target passes (cron mails only output), prints the table
           with the failing target when one fails, keeps the table in last-run.txt and logs the
           exit code through logger either way
  systemd  ExecStart exits 0 when every target passes and 2 when one fails, which
           SuccessExitStatus=1 and OnFailure= turn into "logged" and "mailed"

    scheduled_examples_test.py --probe PATH --lab SCRIPT
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from monitoring_support import fail, lab_env, lab_run_config, private_file  # noqa: E402
CONFIG = "/etc/smtp-probe/smtp-probe.toml"
STATE = "/var/lib/smtp-probe"


def cron_job(path):
    """The command of the one job line of a /etc/cron.d file, and its user."""
    jobs = [line for line in path.read_text().splitlines()
            if line and not line.startswith("#") and not re.match(r"^[A-Z]+=", line)]
    if len(jobs) != 1:
        fail(f"{path} should hold one job, it holds {len(jobs)}")
    fields = jobs[0].split(None, 6)
    if len(fields) != 7 or "%" in fields[6]:
        fail(f"{path}: not 'M H DoM Mon DoW USER COMMAND' (or a bare % cron would cut): {jobs[0]}")
    return fields[5], fields[6]


def exec_start(path):
    lines = [line for line in path.read_text().splitlines() if line.startswith("ExecStart=")]
    if len(lines) != 1:
        fail(f"{path} should have one ExecStart=")
    return lines[0].removeprefix("ExecStart=")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--lab", required=True)
    args = ap.parse_args()
    probe = str(Path(args.probe).resolve())
    env = lab_env(args.lab)
    submission = env["listeners"]["submission"]["port"]

    work = Path(tempfile.mkdtemp(prefix="smtp-probe-scheduled."))
    try:
        bin_dir = work / "bin"
        bin_dir.mkdir()
        (bin_dir / "smtp-probe").symlink_to(probe)
        # logger writes to a file here instead of this machine's syslog.
        logger = bin_dir / "logger"
        logger.write_text(f'#!/bin/sh\necho "$*" >> {work}/syslog\n')
        logger.chmod(0o755)
        state = work / "state"
        state.mkdir()
        secret = private_file(work / "lab.secret", env["password"] + "\n")
        configs = {
            "passing": lab_run_config(env, secret, [("submission", submission)]),
            "failing": lab_run_config(env, secret, [("submission", submission),
                                                    ("closed", env["closed_port"])]),
        }
        user, job = cron_job(EXAMPLES / "cron" / "smtp-probe")
        if user != "smtp-probe":
            fail(f"the cron job runs as {user}, not the smtp-probe user")
        service = exec_start(EXAMPLES / "systemd" / "smtp-probe-run.service")
        if not service.startswith("/usr/bin/smtp-probe "):
            fail(f"ExecStart does not run /usr/bin/smtp-probe: {service}")
        path = f"{bin_dir}:/usr/bin:/bin"
        for kind, text in configs.items():
            config = work / f"{kind}.toml"
            config.write_text(text)
            here = {CONFIG: str(config), STATE: str(state)}
            command = job
            for old, new in here.items():
                command = command.replace(old, new)
            (work / "syslog").unlink(missing_ok=True)
            # cron runs the job with SHELL=/bin/sh and the file's PATH.
            run = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True,
                                 env={"PATH": path, "HOME": str(work)}, timeout=120)
            mailed = run.stdout + run.stderr
            table = (state / "last-run.txt").read_text()
            logged = (work / "syslog").read_text() if (work / "syslog").exists() else ""
            if run.returncode != 0 and kind == "passing":
                fail(f"cron job, {kind}: exit {run.returncode}: {mailed}")
            if kind == "passing" and mailed:
                fail(f"cron job, every target passing: it printed (cron would mail):\n{mailed}")
            if kind == "failing" and ("closed" not in mailed or "tcp_refused" not in mailed):
                fail(f"cron job, a target failing: the mail would not name it:\n{mailed}")
            want_exit = "exit 0" if kind == "passing" else "exit 2"
            if "submission" not in table or want_exit not in logged:
                fail(f"cron job, {kind}: last-run.txt or the log line is wrong:\n{table}\n"
                     f"{logged}")
            print(f"ok   cron job, {kind}: {'prints nothing' if not mailed else 'mails the table'}"
                  f", logs '{logged.strip()}'")

            argv = shlex.split(service)
            argv[0] = probe
            argv = [config.as_posix() if a == CONFIG else a for a in argv]
            run = subprocess.run(argv, capture_output=True, text=True, timeout=120)
            want = 0 if kind == "passing" else 2
            if run.returncode != want or "submission" not in run.stdout:
                fail(f"ExecStart, {kind}: exit {run.returncode}, expected {want}:\n{run.stdout}"
                     f"{run.stderr}")
            print(f"ok   systemd ExecStart, {kind}: exit {run.returncode}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
