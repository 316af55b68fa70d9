"""A private PostgreSQL server for one test session (TESTING.md, "Install").

initdb in a temporary directory, the server on a free port of 127.0.0.1 and a socket directory
of its own, started with pg_ctl and stopped by the PID it wrote. As root (CI), every server
command runs as the postgres user, since initdb refuses root. Nothing touches the machine's own
PostgreSQL. No pytest here: bench/counters.py uses it too.

Faults for tests: `freeze()`/`thaw()` stop and continue every server process (SIGSTOP: the
kernel still accepts connections and data, nothing answers — a hung server), `kill()` ends the
server at once (a crash or a power cut), `start()` brings it back on the same port and data.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import psycopg

DEBIAN_BINARIES = Path("/usr/lib/postgresql")
APP_ROLE = "madoguchi"


def find_binaries() -> Path:
    """The newest installed server's bin directory (Debian keeps it off PATH)."""
    candidates = sorted(DEBIAN_BINARIES.glob("*/bin/initdb"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                        else 0)
    if candidates:
        return candidates[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found: "
                            "run scripts/setup.sh")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PgSandbox:
    """One running server; `create_database()` hands each test a new, empty database."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.bin = find_binaries()
        self.data = base / "data"
        self.socket_dir = base / "run"
        self.port = free_port()
        self.password = secrets.token_urlsafe(12)
        self._count = 0
        self._as_server_user: list[str] = []
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            self._as_server_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(base, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth-local=trust",
                  "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.socket_dir}'\n"
                       # A test server: speed over durability.
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        self.start()
        try:
            with self.admin() as conn:
                conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{self.password}'")
        except BaseException:
            self.stop()
            raise

    def start(self) -> None:
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data),
                  "-l", str(self.base / "server.log"))
        self.pid = int((self.data / "postmaster.pid").read_text().split()[0])

    def processes(self) -> list[int]:
        """The postmaster and every process it started (backends, writer, checkpointer…)."""
        found = [self.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if int(fields[1]) == self.pid:
                found.append(int(stat.parent.name))
        return found

    def freeze(self) -> None:
        self._signal_all(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal_all(signal.SIGCONT)

    def _signal_all(self, number: int) -> None:
        for pid in self.processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, number)

    def kill(self, timeout_s: float = 15) -> None:
        """Immediate shutdown (SIGQUIT: no checkpoint, as after a crash); data kept."""
        if _alive(self.pid):
            self.thaw()
            os.kill(self.pid, signal.SIGQUIT)
            deadline = time.monotonic() + timeout_s
            while _alive(self.pid) and time.monotonic() < deadline:
                time.sleep(0.05)

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run([*self._as_server_user, str(self.bin / tool), *args],
                                capture_output=True, text=True, timeout=120, cwd=self.base)
        if result.returncode != 0:
            log = self.base / "server.log"
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stderr.strip()}"
                               + (f"\n{log.read_text()}" if log.exists() else ""))

    def admin(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host=str(self.socket_dir), port=self.port, user="postgres",
                               dbname=database, autocommit=True)

    def url(self, database: str, *, password: bool = True) -> str:
        """The app's view: TCP with a password (SCRAM), as a counter PC connects."""
        secret = f":{self.password}" if password else ""
        return f"postgresql+psycopg://{APP_ROLE}{secret}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database owned by the app's role; returns its name."""
        self._count += 1
        name = f"test_{os.getpid()}_{self._count}"
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name} OWNER {APP_ROLE}")
        return name

    def stop(self, timeout_s: float = 15) -> None:
        """Fast shutdown (SIGINT) of the postmaster by PID; SIGKILL if it lingers."""
        if _alive(self.pid):
            self.thaw()  # a frozen server cannot hear SIGINT
            os.kill(self.pid, signal.SIGINT)
            deadline = time.monotonic() + timeout_s
            while _alive(self.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(self.pid):
                os.kill(self.pid, signal.SIGKILL)
        shutil.rmtree(self.base, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Running and not a zombie (pg_ctl's server is not our child: we cannot reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
