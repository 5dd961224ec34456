#!/usr/bin/env python3
"""Icinga 2 validates the example and runs its CheckCommands against the local mail lab.

1. `icinga2 daemon -C` accepts examples/icinga2/commands.conf and services.conf beside the
   Icinga Template Library, as they would sit in /etc/icinga2/conf.d/.
2. Icinga 2 itself (a daemon in a temporary folder, as this user) runs the example's
   CheckCommands, the binary behind a recorder, for services that set the variables the example's
   services set, with the lab's values. For each, the argument vector Icinga built must be the
   one expected (so every flag the CheckCommand names is one the plugin takes), the plugin's state
   the one expected for that lab listener, and the state, output and performance data Icinga
   recorded (its PerfdataWriter) what the plugin printed.

    icinga2_test.py --probe PATH --lab SCRIPT [--icinga2 /usr/sbin/icinga2]

The daemon is stopped by its PID. Every address is on loopback; the lab discards what it accepts.
"""

import argparse
import grp
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from monitoring_support import fail, lab_env, lab_run_config, private_file, stop_daemon  # noqa: E402
EXAMPLES = HERE.parent.parent / "examples" / "icinga2"
INSTALLED = '"/usr/bin/smtp-probe"'
STATES = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}
FIELD = "\t"  # between the fields of a PerfdataWriter line: the plugin turns tabs into spaces

RECORDER = r'''#!/usr/bin/env python3
# Runs the plugin, adds its argv, stdout and exit code to record.jsonl, passes both on.
import json, os, subprocess, sys
argv = sys.argv[1:]
run = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
line = json.dumps({"argv": argv, "stdout": run.stdout.decode("utf-8", "replace"),
                   "rc": run.returncode}) + "\n"
fd = os.open(sys.argv[0] + ".jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
os.write(fd, line.encode())
os.close(fd)
sys.stdout.buffer.write(run.stdout)
sys.exit(run.returncode)
'''


def icinga_args(work):
    """The daemon's folders in `work` and this user, as -D constants."""
    dirs = {"ConfigDir": "etc", "DataDir": "lib", "LogDir": "log", "CacheDir": "cache",
            "SpoolDir": "spool", "InitRunDir": "run"}
    args = []
    for const, sub in dirs.items():
        (work / sub).mkdir(parents=True, exist_ok=True)
        args.append(f"-D{const}={work / sub}")
    (work / "spool" / "tmp").mkdir(exist_ok=True)
    args.append(f"-DRunAsUser={pwd.getpwuid(os.geteuid()).pw_name}")
    args.append(f"-DRunAsGroup={grp.getgrgid(os.getegid()).gr_name}")
    return args


def icinga_quote(text):
    return json.dumps(text)  # an Icinga string literal: the same escapes for what we write


def split_plugin_output(stdout):
    """(output with its long output, performance data) as Icinga 2 reads plugin stdout: the
    first line's text and perfdata, then long output lines until one holds a '|', after which
    every line is performance data."""
    lines = stdout.rstrip("\n").split("\n")
    first, _, perf = lines[0].partition("|")
    text, perf_parts, in_perf = [first.strip()], [perf.strip()], False
    for line in lines[1:]:
        if in_perf:
            perf_parts.append(line.strip())
            continue
        head, bar, rest = line.partition("|")
        text.append(head)
        if bar:
            in_perf = True
            perf_parts.append(rest.strip())
    return "\n".join(text).strip(), " ".join(p for p in perf_parts if p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--lab", required=True)
    ap.add_argument("--icinga2", default=shutil.which("icinga2") or "/usr/sbin/icinga2")
    args = ap.parse_args()
    if not os.access(args.icinga2, os.X_OK):
        fail(f"{args.icinga2} is not installed: scripts/lab-deps installs icinga2-bin")
    probe = str(Path(args.probe).resolve())
    env = lab_env(args.lab)
    ports = {name: l["port"] for name, l in env["listeners"].items()}
    work = Path(tempfile.mkdtemp(prefix="smtp-probe-icinga2."))
    daemon = None
    try:
        # 1. The example as an admin installs it, validated.
        check = work / "check"
        check.mkdir()
        (check / "icinga2.conf").write_text(
            'const PluginDir = "/usr/lib/nagios/plugins"\ninclude <itl>\ninclude <plugins>\n'
            f'include "{EXAMPLES / "commands.conf"}"\ninclude "{EXAMPLES / "services.conf"}"\n')
        run = subprocess.run([args.icinga2, "daemon", "-C", "-c", str(check / "icinga2.conf"),
                              *icinga_args(check)], capture_output=True, text=True)
        if run.returncode != 0:
            fail(f"icinga2 daemon -C refused the example:\n{run.stdout[-4000:]}{run.stderr}")
        if "Instantiated 3 Services" not in run.stdout:
            fail(f"the example should make 3 services:\n{run.stdout[-2000:]}")
        print("ok   icinga2 daemon -C accepts examples/icinga2/{commands,services}.conf")

        # 2. Icinga runs the example's CheckCommands against the lab.
        recorder = work / "record"
        recorder.write_text(RECORDER)
        recorder.chmod(0o755)
        commands_text = (EXAMPLES / "commands.conf").read_text()
        if commands_text.count(INSTALLED) != 2:
            fail(f"examples/icinga2/commands.conf no longer runs {INSTALLED} in 2 commands")
        commands = work / "commands.conf"
        commands.write_text(commands_text.replace(
            INSTALLED, f"{icinga_quote(str(recorder))}, {icinga_quote(probe)}"))
        good = private_file(work / "lab.secret", env["password"] + "\n")
        bad = private_file(work / "wrong.secret", "not-the-password\n")
        fleet = work / "fleet.toml"
        fleet.write_text(lab_run_config(env, good, [("submission", ports["submission"]),
                                                    ("closed", env["closed_port"])]))
        lab_vars = {"smtp_probe_dns_server": env["dns"], "smtp_probe_ca_file": env["ca_file"],
                    "smtp_probe_lang": "en"}
        # service -> (command, vars, expected state, expected argv after the binary)
        lab = [env["host"]]
        services = {
            # As the example's smtp-submission, on the lab's 587-style listener.
            "smtp-submission": ("smtp_probe", {
                "smtp_probe_port": ports["submission"], "smtp_probe_ssl_type": "tls",
                "smtp_probe_user": env["user"], "smtp_probe_password_file": str(good),
                "smtp_probe_time_warning": "5", "smtp_probe_time_critical": "15",
                "smtp_probe_cert_warning": "21:", "smtp_probe_cert_critical": "7:"}, 0,
                ["check", *lab, "--ca-file", env["ca_file"], "--cert-critical", "7:",
                 "--cert-warning", "21:", "--deadline", "50s", "--dns-server", env["dns"],
                 "--lang", "en", "--password-file", str(good), "--port",
                 str(ports["submission"]), "--ssl-type", "tls", "--time-critical", "15",
                 "--time-warning", "5", "--user", env["user"], "--format", "nagios"]),
            # As the example's smtps, on the 465-style listener: every address of the name.
            "smtps": ("smtp_probe", {
                "smtp_probe_port": ports["smtps"], "smtp_probe_ssl_type": "ssl",
                "smtp_probe_user": env["user"], "smtp_probe_password_file": str(good),
                "smtp_probe_all_addresses": True}, 0,
                ["check", *lab, "--all-addresses", "--ca-file", env["ca_file"], "--deadline",
                 "50s", "--dns-server", env["dns"], "--lang", "en", "--password-file",
                 str(good), "--port", str(ports["smtps"]), "--ssl-type", "ssl", "--user",
                 env["user"], "--format", "nagios"]),
            "wrong-password": ("smtp_probe", {
                "smtp_probe_port": ports["submission"], "smtp_probe_ssl_type": "tls",
                "smtp_probe_user": env["user"], "smtp_probe_password_file": str(bad),
                "smtp_probe_no_rcpt": False}, 2,
                ["check", *lab, "--ca-file", env["ca_file"], "--deadline", "50s",
                 "--dns-server", env["dns"], "--lang", "en", "--password-file", str(bad),
                 "--port", str(ports["submission"]), "--ssl-type", "tls", "--user",
                 env["user"], "--format", "nagios"]),
            # As the example's smtp-fleet.
            "smtp-fleet": ("smtp_probe_run", {"smtp_probe_run_config": str(fleet),
                                              "smtp_probe_lang": "en"}, 2,
                           ["run", "--config", str(fleet), "--lang", "en", "--format",
                            "nagios"]),
        }
        objects = [f'object Host "lab" {{\n  address = {icinga_quote(env["host"])}\n'
                   '  check_command = "dummy"\n  enable_active_checks = false\n}\n']
        for name, (command, variables, _, _) in services.items():
            body = [f'  host_name = "lab"', f'  check_command = "{command}"',
                    "  check_interval = 3s", "  retry_interval = 3s", "  max_check_attempts = 1"]
            merged = dict(lab_vars) if command == "smtp_probe" else {}
            merged.update(variables)
            for key, value in merged.items():
                literal = ("true" if value else "false") if isinstance(value, bool) else \
                    str(value) if isinstance(value, int) else icinga_quote(value)
                body.append(f"  vars.{key} = {literal}")
            objects.append(f'object Service "{name}" {{\n' + "\n".join(body) + "\n}\n")
        perfdata = work / "spool" / "service-perfdata"
        template = FIELD.join(["SERVICE::$service.name$", "STATE::$service.state_id$",
                               "OUTPUT::$service.output$", "PERF::$service.perfdata$"])
        (work / "icinga2.conf").write_text(
            'const PluginDir = "/usr/lib/nagios/plugins"\ninclude <itl>\ninclude <plugins>\n'
            f'include "{commands}"\n'
            'object CheckerComponent "checker" { }\n'
            'object PerfdataWriter "results" {\n'
            f'  service_perfdata_path = {icinga_quote(str(perfdata))}\n'
            f'  service_temp_path = {icinga_quote(str(work / "spool" / "tmp" / "service"))}\n'
            f'  host_perfdata_path = {icinga_quote(str(work / "spool" / "host-perfdata"))}\n'
            f'  host_temp_path = {icinga_quote(str(work / "spool" / "tmp" / "host"))}\n'
            f'  service_format_template = {icinga_quote(template)}\n'
            '  rotation_interval = 1s\n}\n' + "".join(objects))
        daemon_args = [args.icinga2, "daemon", "-c", str(work / "icinga2.conf"),
                       *icinga_args(work)]
        run = subprocess.run([*daemon_args[:2], "-C", *daemon_args[2:]], capture_output=True,
                             text=True)
        if run.returncode != 0:
            fail(f"icinga2 daemon -C refused the test's config:\n{run.stdout[-4000:]}")
        log = open(work / "icinga2.out", "w")
        daemon = subprocess.Popen(daemon_args, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)

        records_file = Path(str(recorder) + ".jsonl")
        started = time.monotonic()
        results = {}
        records = []
        while time.monotonic() < started + 90:
            if daemon.poll() is not None:
                fail(f"icinga2 exited with {daemon.returncode}:\n"
                     f"{(work / 'icinga2.out').read_text()[-3000:]}")
            records = [json.loads(line) for line in records_file.read_text().splitlines()] \
                if records_file.exists() else []
            results = {}
            for path in sorted(work.glob("spool/service-perfdata*")):
                for record in path.read_text(errors="replace").split("SERVICE::")[1:]:
                    name, state, output, perf = record.rstrip("\n").split(FIELD)
                    results.setdefault(name, []).append(
                        (int(state.removeprefix("STATE::")), output.removeprefix("OUTPUT::"),
                         perf.removeprefix("PERF::")))
            if set(results) == set(services):
                break
            time.sleep(0.5)
        else:
            fail(f"after 90 s Icinga had results for {sorted(results)} of {sorted(services)}")
        print(f"ok   Icinga had run all {len(services)} services "
              f"{time.monotonic() - started:.1f} s after it started")

        for name, (_, _, expected, argv) in services.items():
            mine = [r for r in records if r["argv"][1:] == argv]
            if not mine:
                seen = "\n".join(" ".join(r["argv"][1:]) for r in records)
                fail(f"{name}: Icinga never ran the plugin with\n  {' '.join(argv)}\n"
                     f"it ran:\n{seen}")
            if any(r["argv"][0] != probe for r in mine):
                fail(f"{name}: Icinga ran another binary than {probe}")
            wrong = [r for r in mine if r["rc"] != expected]
            if wrong:
                fail(f"{name}: the plugin exited {wrong[0]['rc']}, expected {expected}:\n"
                     f"{wrong[0]['stdout']}")
            printed = {(r["rc"], *split_plugin_output(r["stdout"])) for r in mine}
            shown = results[name]
            # Icinga keeps the space before the first line's '|'; nothing else may differ.
            matched = [s for s in shown
                       if (s[0], s[1].replace(" \n", "\n").strip(), s[2].strip()) in printed]
            if not matched:
                fail(f"{name}: Icinga recorded {shown[-1]!r}, which no run of the plugin "
                     f"printed; the plugin printed {sorted(printed)[-1]!r}")
            state, output, _ = matched[-1]
            if not output.startswith(f"SMTP {STATES[expected]} - "):
                fail(f"{name}: Icinga shows {output!r}")
            print(f"ok   {name}: {STATES[state]}, argv as the CheckCommand builds it, "
                  f"{output.splitlines()[0][:90]}")
        print("ok   every service: Icinga's state, output and performance data are the plugin's")
    finally:
        stop_daemon(daemon)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
