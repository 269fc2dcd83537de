"""Start the real production stack (manage.py commands, gunicorn) on loopback for a test."""

import http.client
import socket
import subprocess
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .prod_env import PYTHON

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))


def free_port():
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, env, timeout=300):
    """Run a manage.py command under `env`; fail the test with its output if it fails."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result


@dataclass
class Response:
    status: int
    headers: list
    body: bytes

    def header(self, name):
        values = self.all(name)
        return values[0] if values else None

    def __getitem__(self, name):
        value = self.header(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name):
        return self.header(name) is not None

    def all(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode()


@dataclass
class AppServer:
    """gunicorn with deploy/gunicorn.conf.py, bound to a free loopback port."""

    env: dict
    log_path: Path
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self, timeout=60):
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        env["GUNICORN_WORKERS"] = str(self.workers)
        self.log_file = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "deploy/gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log_path.read_text()}")
            try:
                if self.request("GET", "/healthz").status in (200, 503):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"gunicorn did not answer in {timeout}s:\n{self.log_path.read_text()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if getattr(self, "log_file", None):
            self.log_file.close()

    def request(self, method, path, *, body=None, headers=None, https=True, timeout=30):
        """One request; `https` says the TLS proxy in front forwarded it (X-Forwarded-Proto)."""
        headers = dict(headers or {})
        if https:
            headers.setdefault("X-Forwarded-Proto", "https")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return Response(response.status, response.getheaders(), response.read())
        finally:
            conn.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
