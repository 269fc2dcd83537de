"""A throwaway PostgreSQL cluster in a temporary folder on a free port (initdb + pg_ctl).

The machine's own server is never touched: the test may stop and start this one at will.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
from glob import glob
from pathlib import Path

from .servers import free_port


def _bindir():
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if found.returncode == 0 and (Path(found.stdout.strip()) / "initdb").exists():
            return Path(found.stdout.strip())
    candidates = sorted(
        glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    return Path(candidates[-1]).parent if candidates else None


class ThrowawayPostgres:
    def __init__(self):
        self.bindir = _bindir()
        self.port = free_port()
        # PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
        self.as_user = "postgres" if os.geteuid() == 0 else None
        self.folder = Path(tempfile.mkdtemp(prefix="clinic-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"

    @property
    def available(self):
        if self.bindir is None:
            return False
        if self.as_user:
            try:
                pwd.getpwnam(self.as_user)
            except KeyError:
                return False
        return True

    def _run(self, program, *args, timeout=120):
        command = [str(self.bindir / program), *args]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        assert result.returncode == 0, f"{program} failed:\n{result.stdout}{result.stderr}"
        return result

    def init(self):
        if self.as_user:
            shutil.chown(self.folder, self.as_user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        return self

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self, name):
        self._run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-q",
            "-c",
            f'CREATE DATABASE "{name}"',
        )
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self):
        if (self.data / "postmaster.pid").exists():
            self.stop(mode="immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
