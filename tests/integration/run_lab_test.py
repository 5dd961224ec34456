#!/usr/bin/env python3
"""`run` over the whole local mail lab gives every listener the verdict `check` gives it.

Every single-probe case of lab_test.py (the verdicts `check` is held to against each lab
listener) becomes a module and a target of one run config: the case's options turned into the
config's keys, its password into a private password file. One `smtp-probe run --format json`
probes them all at once, and each target must come out with its case's exit code, category,
cause, failed phase and warnings, exactly as `check` does in lab_test.py. The rate-limit cases
are left out: their verdict depends on what came before them within the minute.

    run_lab_test.py --probe PATH --lab SCRIPT
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab_test  # noqa: E402  (the cases and their expectations)
from monitoring_support import private_file, toml_string  # noqa: E402

# check's options and the module keys that mean the same.
VALUE_KEYS = {"--security": "security", "--ssl-type": "ssl_type", "--user": "user",
              "--from": "from", "--rcpt": "rcpt"}
FLAG_KEYS = {"--insecure": "insecure"}
STATE_EXIT = {"ok": 0, "warning": 1, "critical": 2}


def module_and_target(case, env, secrets):
    """The case as a TOML module and target, or the reason it cannot be one."""
    args = [lab_test.expand(a, env) for a in case.args]
    host, rest = args[0], args[1:]
    keys = {"dns_server": toml_string(env["dns"]), "ca_file": toml_string(env["ca_file"]),
            "timeout": '"10s"', "deadline": '"30s"'}
    port = None
    i = 0
    while i < len(rest):
        flag = rest[i]
        if flag == "--port":
            port = int(rest[i + 1])
            i += 2
        elif flag in VALUE_KEYS:
            keys[VALUE_KEYS[flag]] = toml_string(rest[i + 1])
            i += 2
        elif flag in FLAG_KEYS:
            keys[FLAG_KEYS[flag]] = "true"
            i += 1
        else:
            raise ValueError(f"{case.name}: no config key for {flag}")
    if case.password:
        keys["password_file"] = toml_string(str(secrets[case.password]))
    module = f"[modules.{case.name}]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items())
    target = f"[[targets]]\nname = {toml_string(case.name)}\nhost = {toml_string(host)}\n" + \
        (f"port = {port}\n" if port else "") + f"module = {toml_string(case.name)}\n"
    return module, target


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--lab", required=True)
    args = ap.parse_args()
    env = lab_test.lab_env(args.lab)
    cases = [c for c in lab_test.ALL_CASES if type(c) is lab_test.Case and c.attempts == 1]
    with tempfile.TemporaryDirectory(prefix="smtp-probe-run-lab.") as work:
        secrets = {}
        for kind, text in (("right", env["password"]), ("wrong", lab_test.WRONG_PASSWORD)):
            secrets[kind] = private_file(Path(work) / f"{kind}.secret", text + "\n")
        modules, targets = [], []
        for case in cases:
            module, target = module_and_target(case, env, secrets)
            modules.append(module)
            targets.append(target)
        config = Path(work) / "lab.toml"
        config.write_text("\n".join(modules) + "\n" + "\n".join(targets))
        argv = [args.probe, "run", "--config", str(config), "--format", "json", "--log-level",
                "off"]
        started = time.monotonic()
        run = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        took = time.monotonic() - started
    print(f"$ {' '.join(argv)}\n  ({len(cases)} targets, exit {run.returncode}, {took:.1f} s)")
    if env["password"] in run.stdout or env["password"] in run.stderr:
        print("FAIL: the lab password appears in the run's output")
        return 1
    try:
        doc = json.loads(run.stdout)
    except json.JSONDecodeError as e:
        print(f"FAIL: stdout is not one JSON document ({e}): {run.stdout[:500]!r} "
              f"stderr: {run.stderr[:1000]!r}")
        return 1
    by_name = {t["name"]: t for t in doc["targets"]}
    failed = 0
    worst = 0
    for case in cases:
        expected = {"exit": case.exit, "category": case.category, "cause": case.cause,
                    "underlying": case.underlying, "phase": case.phase,
                    "warnings": sorted(case.warnings)}
        target = by_name.get(case.name)
        if target is None:
            print(f"FAIL {case.name}: not in the run's output")
            failed += 1
            continue
        got = lab_test.verdict(target)
        got["exit"] = STATE_EXIT.get(target.get("monitoring_state"), 3)
        worst = max(worst, got["exit"])
        problems = [f"{k}: got {got[k]!r}, expected {expected[k]!r}" for k in expected
                    if got[k] != expected[k]]
        print(f"{'FAIL' if problems else 'ok  '} {case.name}: {got['category']}"
              f"{'/' + got['cause'] if got['cause'] else ''}"
              + ("".join(f"\n     {p}" for p in problems)))
        failed += bool(problems)
    summary = doc["summary"]
    if summary["targets"] != len(cases) or summary["exit_code"] != worst or \
            run.returncode != worst:
        print(f"FAIL the summary {summary} or the exit code {run.returncode} does not match "
              f"{len(cases)} targets with the worst exit {worst}")
        failed += 1
    print(f"{len(cases) - failed} of {len(cases)} targets as check gives them")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
