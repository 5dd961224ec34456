#!/usr/bin/env python3
"""A real Nagios 4 Core runs the plugin against the local mail lab.

The test writes a minimal Nagios config around the command definitions of
examples/nagios/commands.cfg (the binary's path swapped for the one under test, behind a
recorder that keeps exactly what the plugin printed and its exit code), checks it with
`nagios4 -v`, starts Nagios in the foreground on this machine, and reads status.dat until every
service has been checked once. For each service Nagios's state, plugin_output,
long_plugin_output and performance_data must equal what the plugin printed, its state must be
the one expected for that lab listener, and its performance data must follow the Monitoring
Plugins grammar. The example's services.cfg is checked with `nagios4 -v` against Debian's stock
templates too.

    nagios_test.py --probe PATH --lab SCRIPT [--nagios /usr/sbin/nagios4]

Nagios is stopped by its PID. Every address is on loopback; the lab discards what it accepts.
"""

import argparse
import json
import os
import grp
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from monitoring_support import fail, lab_env, lab_run_config, private_file, stop_daemon  # noqa: E402
EXAMPLES = HERE.parent.parent / "examples" / "nagios"
INSTALLED_PATH = "/usr/bin/smtp-probe"
STATES = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}
# The Monitoring Plugins guidelines' units of measure.
UOMS = {"", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c"}
PERF_ITEM = re.compile(
    r"""('(?:[^'=]|'')+'|[^'=\s]+)=(-?[0-9.]+)([a-zA-Z%]*)"""
    r"""(?:;([^;\s]*)(?:;([^;\s]*)(?:;(-?[0-9.]*)(?:;(-?[0-9.]*))?)?)?)?$""")

RECORDER = r'''#!/usr/bin/env python3
# Runs the plugin, adds its stdout and exit code to record.d/NAME.jsonl, passes both on.
import json, subprocess, sys
name, argv = sys.argv[1], sys.argv[2:]
run = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
with open(sys.argv[0] + ".d/" + name + ".jsonl", "a") as f:
    f.write(json.dumps({"argv": argv, "stdout": run.stdout.decode("utf-8", "replace"),
                        "rc": run.returncode}) + "\n")
sys.stdout.buffer.write(run.stdout)
sys.exit(run.returncode)
'''


def check_perfdata(service, perf):
    """Every item of the performance data follows the plugin grammar."""
    if not perf:
        fail(f"{service}: no performance data")
    for item in perf.split():
        m = PERF_ITEM.match(item)
        if not m:
            fail(f"{service}: performance item {item!r} breaks the grammar")
        if m.group(3) not in UOMS:
            fail(f"{service}: {item!r} has the unit {m.group(3)!r}, not one of the guidelines'")


def split_plugin_output(stdout):
    """What Nagios should make of the plugin's stdout: (output, long output, perfdata)."""
    lines = stdout.rstrip("\n").split("\n")
    first, _, perf = lines[0].partition("|")
    long_lines, more_perf = [], []
    in_perf = False
    for line in lines[1:]:
        if in_perf:
            more_perf.append(line.strip())
            continue
        text, bar, rest = line.partition("|")
        long_lines.append(text)
        if bar:
            in_perf = True
            more_perf.append(rest.strip())
    perfdata = " ".join(p for p in [perf.strip(), *more_perf] if p)
    return first.strip(), "\n".join(long_lines), perfdata


def read_status(path):
    """{service_description: {key: value}} of status.dat's servicestatus blocks."""
    services = {}
    block, kind = None, None
    for line in path.read_text(errors="replace").splitlines():
        line = line.strip()
        if line.endswith("{"):
            kind, block = line[:-1].strip(), {}
        elif line == "}":
            if kind == "servicestatus":
                services[block["service_description"]] = block
            block, kind = None, None
        elif block is not None and "=" in line:
            key, _, value = line.partition("=")
            block[key] = value
    return services


def nagios_config(work, user, group, object_files):
    lines = [
        f"log_file={work}/nagios.log",
        *[f"cfg_file={f}" for f in object_files],
        f"object_cache_file={work}/objects.cache",
        f"precached_object_file={work}/objects.precache",
        f"resource_file={work}/resource.cfg",
        f"status_file={work}/status.dat",
        "status_update_interval=1",
        f"nagios_user={user}",
        f"nagios_group={group}",
        "check_external_commands=0",
        f"command_file={work}/nagios.cmd",
        f"lock_file={work}/nagios.lock",
        f"temp_file={work}/nagios.tmp",
        f"temp_path={work}",
        f"check_result_path={work}/checkresults",
        "retain_state_information=0",
        f"state_retention_file={work}/retention.dat",
        "use_syslog=0",
        "enable_notifications=0",
        "enable_flap_detection=0",
        "process_performance_data=0",
        # Intervals in seconds instead of minutes: the first check of a service comes within its
        # check_interval of the start (max_service_check_spread counts real minutes).
        "interval_length=1",
        "max_service_check_spread=1",
        "max_host_check_spread=1",
        "check_result_reaper_frequency=1",
        "service_check_timeout=60",
        "illegal_macro_output_chars=`~$&|'\"<>",
    ]
    path = work / "nagios.cfg"
    path.write_text("\n".join(lines) + "\n")
    (work / "resource.cfg").write_text("")
    (work / "checkresults").mkdir(exist_ok=True)
    return path


def verify(nagios, cfg, what):
    run = subprocess.run([nagios, "-v", str(cfg)], capture_output=True, text=True)
    if run.returncode != 0 or "Total Errors:   0" not in run.stdout:
        fail(f"nagios4 -v refused {what}:\n{run.stdout[-3000:]}{run.stderr[-1000:]}")
    print(f"ok   nagios4 -v accepts {what}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--lab", required=True)
    ap.add_argument("--nagios", default=shutil.which("nagios4") or "/usr/sbin/nagios4")
    args = ap.parse_args()
    if not os.access(args.nagios, os.X_OK):
        fail(f"{args.nagios} is not installed: scripts/lab-deps installs nagios4-core")
    probe = str(Path(args.probe).resolve())
    env = lab_env(args.lab)
    ports = {name: l["port"] for name, l in env["listeners"].items()}
    user = pwd.getpwuid(os.geteuid()).pw_name
    group = grp.getgrgid(os.getegid()).gr_name

    work = Path(tempfile.mkdtemp(prefix="smtp-probe-nagios."))
    nagios = None
    try:
        records = work / "record.d"
        records.mkdir()
        recorder = work / "record"
        recorder.write_text(RECORDER)
        recorder.chmod(0o755)
        good = private_file(work / "lab.secret", env["password"] + "\n")
        bad = private_file(work / "wrong.secret", "not-the-password\n")
        lab_opts = f"--dns-server {env['dns']} --ca-file {env['ca_file']} --lang en"
        fleet = work / "fleet.toml"
        fleet.write_text(lab_run_config(env, good, [("submission", ports["submission"]),
                                                    ("closed", env["closed_port"])],
                                        mode='security = "starttls"'))

        # The example's command definitions, the binary behind the recorder.
        commands_text = (EXAMPLES / "commands.cfg").read_text()
        if commands_text.count(INSTALLED_PATH) != 3:
            fail(f"examples/nagios/commands.cfg no longer runs {INSTALLED_PATH} in 3 commands")
        commands = work / "commands.cfg"
        commands.write_text(commands_text.replace(
            INSTALLED_PATH, f"{recorder} $SERVICEDESC$ {probe}"))

        # service -> (check_command, expected exit code, text the status line must hold)
        services = {
            "submission-ok": (
                f"check_smtp_probe!{ports['submission']}!starttls!{env['user']}!{good}!"
                f"{lab_opts} --time-critical 30", 0, "every step passed"),
            "submission-wrong-password": (
                f"check_smtp_probe!{ports['submission']}!starttls!{env['user']}!{bad}!{lab_opts}",
                2, "(auth_failed)"),
            "smtps-cert-warning": (
                f"check_smtp_probe!{ports['smtps']}!tls!{env['user']}!{good}!{lab_opts} "
                "--all-addresses --cert-warning 3650: --cert-critical 7:", 1, "--cert-warning"),
            "closed-port": (
                f"check_smtp_probe_anonymous!{env['closed_port']}!auto!{lab_opts}", 2,
                "(tcp_refused)"),
            "bad-argument": (
                f"check_smtp_probe_anonymous!{ports['submission']}!sometimes!{lab_opts}", 3,
                "--security: 'sometimes' is not a security mode"),
            "fleet": (f"check_smtp_probe_run!{fleet}", 2, "failing: closed"),
        }
        objects = work / "objects.cfg"
        objects.write_text("""
define timeperiod {
    timeperiod_name always
    alias           always
    sunday          00:00-24:00
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
}
define command {
    command_name    do-nothing
    command_line    /bin/true
}
define contact {
    contact_name                    nobody
    host_notifications_enabled      0
    service_notifications_enabled   0
    host_notification_period        always
    service_notification_period     always
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      do-nothing
    service_notification_commands   do-nothing
}
define host {
    host_name               lab
    address                 %s
    check_command           do-nothing
    active_checks_enabled   0
    max_check_attempts      1
    check_period            always
    contacts                nobody
}
""" % env["host"] + "".join(f"""
define service {{
    host_name               lab
    service_description     {name}
    check_command           {command}
    max_check_attempts      1
    check_interval          5
    retry_interval          5
    check_period            always
    notification_period     always
    contacts                nobody
}}
""" for name, (command, _, _) in services.items()))

        # The example's services against Debian's stock templates: checked, never run.
        stock = Path("/etc/nagios4/objects")
        (work / "example").mkdir()
        # linux-server's host check comes from monitoring-plugins-basic on a stock install.
        host_check = work / "example" / "check-host-alive.cfg"
        host_check.write_text("define command {\n    command_name check-host-alive\n"
                              "    command_line /usr/lib/nagios/plugins/check_ping -H "
                              "'$HOSTADDRESS$' -w 5000,100% -c 5000,100% -p 1\n}\n")
        example_cfg = nagios_config(work / "example", user, group, [
            stock / "commands.cfg", stock / "contacts.cfg", stock / "timeperiods.cfg",
            stock / "templates.cfg", host_check, EXAMPLES / "commands.cfg",
            EXAMPLES / "services.cfg"])
        verify(args.nagios, example_cfg, "examples/nagios/{commands,services}.cfg")

        cfg = nagios_config(work, user, group, [commands, objects])
        verify(args.nagios, cfg, "the test's config with the example's commands")

        log = open(work / "nagios.out", "w")
        nagios = subprocess.Popen([args.nagios, str(cfg)], stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        status = work / "status.dat"
        started = time.monotonic()
        deadline = started + 90
        checked = {}
        while time.monotonic() < deadline:
            if nagios.poll() is not None:
                fail(f"nagios4 exited with {nagios.returncode}:\n"
                     f"{(work / 'nagios.out').read_text()[-2000:]}")
            if status.exists():
                checked = {name: s for name, s in read_status(status).items()
                           if s.get("has_been_checked") == "1"}
                if len(checked) == len(services) and all(
                        (records / f"{name}.jsonl").exists() for name in services):
                    break
            time.sleep(0.5)
        else:
            fail(f"after 90 s Nagios had checked only {sorted(checked)} of {sorted(services)}")
        print(f"ok   Nagios had checked all {len(services)} services "
              f"{time.monotonic() - started:.1f} s after it started")

        for name, (_, expected, text) in services.items():
            seen = checked[name]
            # A service may have been checked again since status.dat was written: Nagios must
            # show exactly one of the runs the recorder saw.
            runs = [json.loads(line) for line in
                    (records / f"{name}.jsonl").read_text().splitlines()]
            shown = (int(seen["current_state"]), seen["plugin_output"],
                     seen["long_plugin_output"].replace("\\n", "\n"), seen["performance_data"])
            record = next((r for r in runs
                           if (r["rc"], *split_plugin_output(r["stdout"])) == shown), runs[-1])
            output, long_output, perfdata = split_plugin_output(record["stdout"])
            state = int(seen["current_state"])
            problems = []
            if record["rc"] != expected:
                problems.append(f"the plugin exited {record['rc']}, expected {expected}")
            if state != record["rc"]:
                problems.append(f"Nagios shows state {state}, the plugin exited {record['rc']}")
            if seen["plugin_output"] != output:
                problems.append(f"plugin_output {seen['plugin_output']!r} != {output!r}")
            if seen["long_plugin_output"].replace("\\n", "\n") != long_output:
                problems.append(f"long_plugin_output {seen['long_plugin_output']!r} != "
                                f"{long_output!r}")
            if seen["performance_data"] != perfdata:
                problems.append(f"performance_data {seen['performance_data']!r} != {perfdata!r}")
            if not output.startswith(f"SMTP {STATES[expected]} - ") or text not in output:
                problems.append(f"the status line {output!r} is not SMTP {STATES[expected]} "
                                f"with {text!r}")
            if problems:
                fail(f"{name}: " + "; ".join(problems) + f"\nplugin stdout:\n{record['stdout']}")
            if expected != 3:
                check_perfdata(name, perfdata)
            print(f"ok   {name}: Nagios shows {STATES[state]}: {output[:100]}")

        # What the services above must show beyond their state.
        ok = checked["submission-ok"]
        if ";;30;0" not in ok["performance_data"] or "auth_time=" not in ok["performance_data"]:
            fail(f"submission-ok: the time threshold or auth_time is not in the performance "
                 f"data: {ok['performance_data']}")
        if "Failed step: Login (AUTH)" not in checked["submission-wrong-password"][
                "long_plugin_output"]:
            fail("submission-wrong-password: the long output does not name the failed step")
        smtps = checked["smtps-cert-warning"]
        if ";3650:;7:" not in smtps["performance_data"] or \
                "WARNING 127.0.0.1:" not in smtps["long_plugin_output"]:
            fail(f"smtps-cert-warning: no cert thresholds or per-address lines: {smtps}")
        if "CRITICAL closed " not in checked["fleet"]["long_plugin_output"] or \
                "targets=2" not in checked["fleet"]["performance_data"]:
            fail(f"fleet: no line for the closed target or no target count: {checked['fleet']}")
        print("ok   every service: Nagios read the plugin's state, output, long output and "
              "performance data exactly")
    finally:
        stop_daemon(nagios)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
