"""Sending a packet PDF to a print queue and waiting until it has printed.

On Linux (and macOS) the PDF goes to CUPS as it is, with the standard client tools (`lp`,
`lpstat`, `cancel`); CUPS_SERVER chooses the scheduler as for any CUPS client. The job title
carries the case id only: CUPS logs titles, and logs hold no personal data.

Blocking: run it on a worker thread. `cancel` (a threading.Event) stops waiting and cancels
the job; `progress` receives short Japanese status lines for staff.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

POLL_S = 0.25
_REQUEST_ID = re.compile(r"request id is (\S+)")


class PrintError(Exception):
    message_ja = "印刷できませんでした。申請書は「未印刷」のままです"


class NoPrintService(PrintError):
    message_ja = "印刷サービス（CUPS）に接続できません。PDFに保存して続けてください"


class PrinterStopped(PrintError):
    message_ja = "プリンタが停止しています。プリンタを確認してから印刷し直してください"


class PrintCancelled(PrintError):
    message_ja = "印刷を取り消しました。申請書は「未印刷」のままです"


class PrintTimedOut(PrintError):
    message_ja = "印刷が終わりませんでした。プリンタを確認してから印刷し直してください"


@dataclass(frozen=True)
class PrintOutcome:
    printer: str
    job_id: str


def _run(*args: str, timeout: float = 15) -> subprocess.CompletedProcess:
    if shutil.which(args[0]) is None:
        raise NoPrintService(f"{args[0]} is not installed")
    # The CUPS tools speak the user's language (「リクエスト ID は…」 on a Japanese PC): their
    # answers are read in the C locale.
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": "C"}
    try:
        return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout,
                              env=env)
    except subprocess.TimeoutExpired:
        raise NoPrintService(f"{args[0]} did not answer in {timeout:.0f} s") from None


def printer_state(printer: str) -> str:
    """idle, printing, stopped; raises NoPrintService or PrintError for an unknown queue."""
    if _run("lpstat", "-r").stdout.strip() != "scheduler is running":
        raise NoPrintService("CUPS scheduler not reachable")
    result = _run("lpstat", "-p", printer)
    text = (result.stdout + result.stderr).lower()
    if result.returncode != 0 or "invalid destination" in text:
        raise PrintError(f"unknown print queue {printer!r}")
    if "disabled" in text:
        return "stopped"
    return "printing" if "now printing" in text else "idle"


def _finished(printer: str, job_id: str) -> bool | None:
    """None while the job is not done; True if it printed; False if it ended otherwise
    (cancelled or aborted at the printer: `completed` in CUPS covers those too)."""
    result = _run("lpstat", "-W", "completed", "-l", "-o", printer)
    lines = result.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.split() and line.split()[0] == job_id:
            details = []
            for following in lines[i + 1:]:
                if following and not following[0].isspace():
                    break
                details.append(following)
            reasons = " ".join(details).lower()
            # job-canceled-by-user/-operator/-at-device, aborted-by-system, …
            return not ("canceled" in reasons or "cancelled" in reasons or "aborted" in reasons)
    return None


def _cancel(job_id: str) -> None:
    _run("cancel", job_id)


def print_pdf(pdf: bytes, printer: str, title: str, cancel: threading.Event,
              progress: Callable[[str], None] = lambda _: None,
              timeout_s: float = 120) -> PrintOutcome:
    if printer_state(printer) == "stopped":
        raise PrinterStopped(f"queue {printer} is disabled")
    with tempfile.TemporaryDirectory(prefix="madoguchi-print-") as tmp:
        path = Path(tmp) / "packet.pdf"
        path.write_bytes(pdf)
        result = _run("lp", "-d", printer, "-t", title, "-o", "document-format=application/pdf",
                      str(path))
        match = _REQUEST_ID.search(result.stdout)
        if result.returncode != 0 or not match:
            raise PrintError(f"lp refused the job: {result.stderr.strip()}")
        job_id = match.group(1)
        log.info("print job %s sent to %s (%d bytes)", job_id, printer, len(pdf))
        progress("プリンタに送りました。印刷を待っています…")
        deadline = time.monotonic() + timeout_s
        while True:
            finished = _finished(printer, job_id)
            if finished:
                log.info("print job %s completed", job_id)
                progress("印刷が終わりました")
                return PrintOutcome(printer, job_id)
            if finished is False:
                raise PrintError(f"job {job_id} ended without printing (cancelled or aborted)")
            if cancel.is_set():
                _cancel(job_id)
                raise PrintCancelled(f"job {job_id} cancelled by staff")
            if printer_state(printer) == "stopped":
                _cancel(job_id)
                raise PrinterStopped(f"queue {printer} stopped during job {job_id}")
            if time.monotonic() > deadline:
                _cancel(job_id)
                raise PrintTimedOut(f"job {job_id} not done after {timeout_s:.0f} s")
            time.sleep(POLL_S)


def print_packet(pdf: bytes, printer: str, title: str, cancel: threading.Event,
                 progress: Callable[[str], None] = lambda _: None) -> PrintOutcome:
    """CUPS where its client tools are installed (Linux, macOS), else Qt's print system."""
    if shutil.which("lp") is not None:
        return print_pdf(pdf, printer, title, cancel, progress)
    from printing.qt_print import print_with_qt

    return print_with_qt(pdf, printer, title, cancel, progress)
