"""A private CUPS scheduler for print tests: its own configuration, spool and socket.

cupsd listens on a Unix socket in a temporary directory only (clients find it through
CUPS_SERVER), and runs in its own mount namespace so that the cups-pdf backend reads a private
cups-pdf.conf writing into the same temporary directory. Stopped by PID.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from processes import stop_process

CUPSD_CONF = """Listen {base}/run/cups.sock
LogLevel warn
WebInterface No
Browsing No
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""
FILES_CONF = """ServerRoot {base}/conf
RequestRoot {base}/spool
CacheDir {base}/cache
StateDir {base}/state
TempDir {base}/spool
ErrorLog {base}/logs/error_log
AccessLog {base}/logs/access_log
PageLog {base}/logs/page_log
FileDevice No
Sandboxing Relaxed
User lp
Group lp
SystemGroup root
"""
CUPS_PDF_CONF = "Out {base}/pdf\nAnonDirName {base}/pdf\nGrp root\nUserUMask 0022\n"


class CupsSandbox:
    def __init__(self, base: Path) -> None:
        self.base = base
        for name in ("spool", "cache", "state", "logs", "conf/ppd", "run", "pdf"):
            (base / name).mkdir(parents=True, exist_ok=True)
        (base / "conf" / "cupsd.conf").write_text(CUPSD_CONF.format(base=base))
        (base / "conf" / "cups-files.conf").write_text(FILES_CONF.format(base=base))
        (base / "cups-pdf.conf").write_text(CUPS_PDF_CONF.format(base=base))
        for name in ("spool", "cache", "state", "pdf"):
            shutil.chown(base / name, "root", "lp")
            os.chmod(base / name, 0o777 if name == "pdf" else 0o775)
        os.chmod(base, 0o755)
        self.socket = base / "run" / "cups.sock"
        self.env = {**os.environ, "CUPS_SERVER": str(self.socket)}
        self._pid_file = base / "run" / "cupsd.pid"
        script = (f"mount --bind {base}/cups-pdf.conf /etc/cups/cups-pdf.conf && "
                  f"echo $$ > {self._pid_file} && "
                  f"exec cupsd -f -c {base}/conf/cupsd.conf -s {base}/conf/cups-files.conf")
        self._proc = subprocess.Popen(["unshare", "--mount", "--fork", "--kill-child", "sh",
                                       "-c", script], stdout=subprocess.DEVNULL,
                                      stderr=(base / "logs" / "stderr").open("w"))
        deadline = time.monotonic() + 15
        while self.lp("lpstat", "-r").stdout.strip() != "scheduler is running":
            if self._proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("private cupsd did not start: "
                                   + (base / "logs" / "stderr").read_text())
            time.sleep(0.1)

    def lp(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), capture_output=True, text=True, env=self.env,
                              timeout=30)

    def add_pdf_queue(self, name: str) -> None:
        self._admin("-p", name, "-E", "-v", "cups-pdf:/", "-m",
                    "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd")

    def add_raw_queue(self, name: str, port: int) -> None:
        self._admin("-p", name, "-E", "-v", f"socket://127.0.0.1:{port}", "-m", "raw")

    def _admin(self, *args: str) -> None:
        result = self.lp("lpadmin", *args)
        if result.returncode != 0:
            raise RuntimeError(f"lpadmin failed: {result.stderr}")

    def stop_queue(self, name: str) -> None:
        self.lp("cupsdisable", name)

    def pdfs(self) -> list[Path]:
        return sorted((self.base / "pdf").rglob("*.pdf"))

    def stop(self) -> None:
        # cupsd first, by its own PID, so that unshare reaps it; then unshare itself.
        try:
            os.kill(int(self._pid_file.read_text()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
        stop_process(self._proc)


class RawListener:
    """A printer on a TCP port of the loopback: keeps the bytes of each job it receives."""

    def __init__(self, read: bool = True, delay_s: float = 0) -> None:
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(4)
        self._server.settimeout(0.5)
        self.port = self._server.getsockname()[1]
        self.jobs: list[bytes] = []
        self._read = read
        self._delay_s = delay_s  # a slow printer: waits before taking the data
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            with conn:
                if not self._read:  # a jammed printer: takes the connection, reads nothing
                    self._stop.wait()
                    continue
                self._stop.wait(self._delay_s)
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
                self.jobs.append(data)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._server.close()
