"""What the tests of `smtp-probe serve` share: starting an exporter on a free port, HTTP
requests to it, a TCP listener that accepts and never greets."""

import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

from monitoring_support import fail


class Exporter:
    """`smtp-probe serve --config CONFIG --listen 127.0.0.1:0`, its port read from stderr."""

    def __init__(self, probe, config, cwd, extra=()):
        self.err_path = cwd / f"serve-{time.monotonic_ns()}.err"
        self.err = open(self.err_path, "w+")
        self.process = subprocess.Popen(
            [probe, "serve", "--config", str(config), "--listen", "127.0.0.1:0", *extra],
            stdout=subprocess.DEVNULL, stderr=self.err, cwd=cwd, start_new_session=True)
        deadline = time.monotonic() + 10
        self.port = None
        while time.monotonic() < deadline and self.port is None:
            if self.process.poll() is not None:
                fail(f"serve exited with {self.process.returncode}: {self.stderr()}")
            found = re.search(r"listening on (https?)://127\.0\.0\.1:(\d+)/", self.stderr())
            if found:
                self.scheme, self.port = found.group(1), int(found.group(2))
            else:
                time.sleep(0.05)
        if self.port is None:
            fail(f"serve did not say where it listens: {self.stderr()}")
        self.url = f"{self.scheme}://127.0.0.1:{self.port}"

    def stderr(self):
        self.err.flush()
        return self.err_path.read_text()

    def stop(self, timeout=20):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def get(url, headers=None, method="GET", timeout=30, context=None):
    """(status, body text, headers) of one request; HTTP errors are answers too. `context`: an
    ssl.SSLContext for https."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as r:
            return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), dict(e.headers)


def samples(text):
    """{'name{labels}': value} of an exposition text."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            out[key] = float(value)
    return out


class SilentServer:
    """Accepts TCP connections on loopback and never says a word (a hung SMTP server)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for c in self.held:
            c.close()
