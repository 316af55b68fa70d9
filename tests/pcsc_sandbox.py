"""A private pcscd with vpcd readers, and virtual cards attached to it, for tests and benchmarks.

pcscd's socket and vpcd's TCP ports are machine-wide, so pcscd runs in its own mount and network
namespaces (root and util-linux's unshare needed). Its socket directory is a bind mount of a
temporary directory, so this process reaches it through PCSCLITE_CSOCK_NAME; virtual cards join
its network namespace with nsenter. Every process started here is stopped by its PID.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from processes import stop_process

READER_0 = "Virtual PCD 00 00"
READER_1 = "Virtual PCD 00 01"
VPCD_CONF = """FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x8C7B
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    0x8C7B
"""


class PcscSandbox:
    def __init__(self, base: Path, with_vpcd: bool = True) -> None:
        self.base = base
        self.run_dir = base / "run"
        self.conf_dir = base / "conf"
        self.run_dir.mkdir(parents=True)
        self.conf_dir.mkdir()
        if with_vpcd:
            (self.conf_dir / "vpcd").write_text(VPCD_CONF)
        self.socket = self.run_dir / "pcscd.comm"
        self.env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(self.socket)}
        self._cards: list[subprocess.Popen] = []
        pid_file = base / "pcscd.pid"
        script = (
            "ip link set lo up && mount -t tmpfs none /run && mkdir -p /run/pcscd && "
            f"mount --bind {self.run_dir} /run/pcscd && echo $$ > {pid_file} && "
            f"exec pcscd --foreground -c {self.conf_dir}"
        )
        self._unshare = subprocess.Popen(
            ["unshare", "--mount", "--net", "--fork", "--kill-child", "sh", "-c", script],
            stdout=(base / "pcscd.log").open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not (self.socket.exists() and pid_file.exists() and pid_file.read_text().strip()):
            if self._unshare.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("private pcscd did not start: "
                                   + (base / "pcscd.log").read_text())
            time.sleep(0.05)
        self.pcscd_pid = int(pid_file.read_text())

    def cli(self, *args: str, stdin: str | None = None, timeout: float = 30
            ) -> subprocess.CompletedProcess:
        """Run `python -m card_reader …` against this pcscd."""
        return subprocess.run([sys.executable, "-m", "card_reader", *args], input=stdin,
                              capture_output=True, text=True, timeout=timeout, env=self.env)

    def insert(self, holder: dict, slot: int = 0, name: str = "card") -> VirtualCardProcess:
        """Attach a virtual card (a child process in pcscd's network namespace)."""
        card_file = self.base / f"{name}-{len(self._cards)}.json"
        card_file.write_text(json.dumps(holder, ensure_ascii=False), encoding="utf-8")
        apdu_log = self.base / f"{name}-{len(self._cards)}.apdu.log"
        proc = subprocess.Popen(
            ["nsenter", "-t", str(self.pcscd_pid), "-n", sys.executable, "-m", "card_reader",
             "emulate", "--card", str(card_file), "--slot", str(slot),
             "--apdu-log", str(apdu_log)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.env)
        self._cards.append(proc)
        card = VirtualCardProcess(proc, apdu_log, self, READER_0 if slot == 0 else READER_1)
        card.wait_present(True)
        return card

    def stop(self) -> None:
        for proc in self._cards:
            stop_process(proc)
        try:
            os.kill(self.pcscd_pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        stop_process(self._unshare)


class VirtualCardProcess:
    def __init__(self, proc: subprocess.Popen, apdu_log: Path, sandbox: PcscSandbox,
                 reader: str) -> None:
        self.proc = proc
        self.apdu_log = apdu_log
        self.sandbox = sandbox
        self.reader = reader

    def apdus(self) -> list[str]:
        return self.apdu_log.read_text().splitlines() if self.apdu_log.exists() else []

    def verify_count(self) -> int:
        """VERIFY commands that carried a secret (masked in the log)."""
        return sum(1 for line in self.apdus() if line.startswith("00 20 00 80 ") and "**" in line)

    def present(self) -> bool:
        result = subprocess.run(
            [sys.executable, "-c",
             "import sys; from card_reader.transport import card_present; "
             f"sys.exit(0 if card_present({self.reader!r}) else 1)"],
            env=self.sandbox.env, timeout=10)
        return result.returncode == 0

    def wait_present(self, wanted: bool, timeout: float = 10) -> None:
        # pcscd polls vpcd, so presence changes take 0.2–0.4 s: wait for the state, not a sleep.
        deadline = time.monotonic() + timeout
        while self.present() != wanted:
            if time.monotonic() > deadline or (wanted and self.proc.poll() is not None):
                raise RuntimeError(f"card presence did not become {wanted}")
            time.sleep(0.05)

    def remove(self) -> None:
        stop_process(self.proc)
        self.wait_present(False)

