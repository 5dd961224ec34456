"""What the tests of the monitoring examples share (nagios_test, icinga2_test,
scheduled_examples_test, run_lab_test): the lab's environment, private secret files, the run
config of lab targets, stopping a daemon they started."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def lab_env(lab_script):
    out = subprocess.run([lab_script, "env", "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"cannot read the lab's environment: {out.stderr.strip()} (is the lab running?)")
    return json.loads(out.stdout)


def private_file(path, text):
    """A file only its owner may read, as smtp-probe requires of a secret."""
    path = Path(path)
    path.write_text(text)
    path.chmod(0o600)
    return path


def toml_string(text):
    return json.dumps(text)  # a TOML basic string: the same escapes for what we write


def lab_run_config(env, secret, targets, mode='ssl_type = "tls"'):
    """A run config with one module "lab" (the lab's login, CA, DNS) and a target per
    (name, port) on the lab's host."""
    text = (f"[modules.lab]\n{mode}\nuser = {toml_string(env['user'])}\n"
            f"password_file = {toml_string(str(secret))}\n"
            f"ca_file = {toml_string(env['ca_file'])}\n"
            f"dns_server = {toml_string(env['dns'])}\n")
    for name, port in targets:
        text += (f"\n[[targets]]\nname = {toml_string(name)}\nhost = {toml_string(env['host'])}\n"
                 f"port = {port}\nmodule = \"lab\"\n")
    return text


def stop_daemon(process):
    """Stops a daemon started with start_new_session=True: by its PID, then its group."""
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    try:
        os.killpg(process.pid, signal.SIGKILL)  # any worker left behind
    except ProcessLookupError:
        pass
